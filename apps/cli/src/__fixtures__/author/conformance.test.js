import { describeDestination, tempDir } from "@cairn/testkit";
import { folderDestination } from "acme-cairn-folder";

describeDestination("acme folder", async () => {
  const dir = await tempDir();
  return { destination: folderDestination(dir.path), cleanup: dir.remove };
}, { largeBytes: 16 * 1024 * 1024 });
