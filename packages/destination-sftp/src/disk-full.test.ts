import { execFile } from "node:child_process";
import { chown, mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, keysOf } from "./__fixtures__/server.js";

const run = promisify(execFile);

describe("a full disk on the server", () => {
  let server: SshdServer;
  let small: string;
  beforeAll(async () => {
    server = await startSshd();
    small = join(server.dataDir, "small");
    await mkdir(small);
    try {
      // A 2 MiB file system is the only honest way to fill a disk in a test.
      await run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small]);
    } catch (error) {
      throw new Error(
        `this test mounts a 2 MiB tmpfs and needs root with mount permission: ${(error as Error).message}`,
      );
    }
    const owner = await stat(server.dataDir);
    await chown(small, owner.uid, owner.gid);
  });
  afterAll(async () => {
    await run("umount", [small]).catch(() => undefined);
    await server?.stop();
  });

  it("gives DESTINATION_QUOTA and leaves neither the backup nor its partial file", async () => {
    const destination = await destinationFor(server, { path: small });
    const body = Readable.from([Buffer.alloc(4 * 1024 * 1024, 1)]);
    const error = await destination
      .put("job/job-1.zip", body, { signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_QUOTA" });
    expect((error as { hint?: string }).hint).toMatch(/free space/);
    expect(await keysOf(destination)).toEqual([]);
    expect(await readdir(join(small, "job"))).toEqual([]);
    await destination.close();
  });
});
