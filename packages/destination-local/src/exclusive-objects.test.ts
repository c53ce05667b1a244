import { join } from "node:path";
import { describeExclusiveCreate, tempDir } from "@cairn/testkit";
import { localDestination } from "./index.js";
import { createLocalDestination } from "./local-destination.js";

describeExclusiveCreate(
  "local",
  async () => {
    const dir = await tempDir("cairn-local-exclusive-");
    return { destination: createLocalDestination(join(dir.path, "backups")), cleanup: dir.remove };
  },
  { capabilities: localDestination.capabilities },
);
