import { freeSpaceOf } from "@cairn/core";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, put } from "./__fixtures__/server.js";

describe("free space on a server without statvfs@openssh.com", () => {
  let server: SshdServer;
  beforeAll(async () => {
    // OpenSSH's sftp-server with `-P statvfs` no longer announces the extension, as other servers never do.
    server = await startSshd({ deniedSftpRequests: ["statvfs"] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("is reported unavailable with the reason, so minFreeSpace is skipped rather than failing the run", async () => {
    const destination = await destinationFor(server);
    await put(destination, "db/db-1.zip", "x");
    expect(await destination.unavailableCapabilities?.()).toEqual({
      freeSpace: "the server does not offer the statvfs@openssh.com extension",
    });
    expect(await freeSpaceOf(destination)).toBeUndefined();
    // Everything else still works on that server.
    await put(destination, "db/db-2.zip", "y");
    await destination.close();
  });
});
