import { describeDestination } from "@cairn/testkit";
import { startSshd } from "@cairn/testkit/sshd";
import * as vitest from "vitest";
import { optionsFor } from "./__fixtures__/server.js";
import sftp from "./plugin.js";

// OpenSSH's sftp-server answers a directory read with at most 100 names: 201 files cross two of them.
describeDestination(
  sftp,
  {
    setup: async () => {
      const server = await startSshd();
      return { options: optionsFor(server), baseDir: server.tempDir, cleanup: () => server.stop() };
    },
    listPageSize: 100,
    label: "sftp (OpenSSH sshd)",
  },
  vitest,
);
