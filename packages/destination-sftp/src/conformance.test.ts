import { describeDestination, pluginContext } from "@cairn/testkit";
import { startSshd } from "@cairn/testkit/sshd";
import { optionsFor } from "./__fixtures__/server.js";
import { createSftpDestination } from "./destination.js";

describeDestination("sftp (OpenSSH sshd)", async () => {
  const server = await startSshd();
  const destination = createSftpDestination(
    optionsFor(server),
    pluginContext({ baseDir: server.tempDir, name: "sshd" }),
  );
  return { destination, cleanup: () => server.stop() };
});
