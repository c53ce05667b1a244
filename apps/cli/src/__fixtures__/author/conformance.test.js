import { describeDestination, tempDir } from "@cairn/testkit";
import * as vitest from "vitest";
import folder from "acme-cairn-folder";

// The listing reads whole folders, so it has no pages to cross: any page size does.
describeDestination(
  folder,
  {
    setup: async () => {
      const dir = await tempDir();
      return { options: { folder: "shelf" }, baseDir: dir.path, cleanup: dir.remove };
    },
    listPageSize: 5,
    largeBytes: 16 * 1024 * 1024,
  },
  vitest,
);
