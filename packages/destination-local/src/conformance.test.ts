import { describeDestination, tempDir } from "@cairn/testkit";
import * as vitest from "vitest";
import local from "./index.js";

// A folder lists a few entries at a time (Node's opendir reads 32 per call): 65 files cross that.
describeDestination(
  local,
  {
    setup: async () => {
      const dir = await tempDir("cairn-local-conformance-");
      return { options: { path: "backups" }, baseDir: dir.path, cleanup: dir.remove };
    },
    listPageSize: 32,
  },
  vitest,
);
