import { silentLogger } from "@cairn/core";
import { describeDestination } from "@cairn/testkit";
import { startSshd } from "@cairn/testkit/sshd";
import { optionsFor } from "./__fixtures__/server.js";
import { createSftpDestination } from "./destination.js";

describeDestination("sftp (OpenSSH sshd)", async () => {
  const server = await startSshd();
  const destination = createSftpDestination(optionsFor(server), {
    logger: silentLogger,
    baseDir: server.tempDir,
    name: "sshd",
  });
  return { destination, cleanup: () => server.stop() };
});
