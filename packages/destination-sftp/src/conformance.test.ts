import { describeDestination, describeExclusiveCreate, pluginContext } from "@cairn/testkit";
import { startSshd } from "@cairn/testkit/sshd";
import { optionsFor } from "./__fixtures__/server.js";
import { createSftpDestination } from "./destination.js";
import sftp from "./plugin.js";

const onSshd = async () => {
  const server = await startSshd();
  const destination = createSftpDestination(
    optionsFor(server),
    pluginContext({ baseDir: server.tempDir, name: "sshd" }),
  );
  return { destination, cleanup: () => server.stop() };
};

describeDestination("sftp (OpenSSH sshd)", onSshd);
describeExclusiveCreate("sftp (OpenSSH sshd)", onSshd, { capabilities: sftp.capabilities });
