import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type SshdServer, startSshd } from "@cairn/testkit/sshd";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationFor, keysOf, put } from "./__fixtures__/server.js";
import { shellQuote } from "./remote-checksum.js";

describe("shellQuote", () => {
  it("survives the shell unchanged, quotes and all", () => {
    for (const path of ["/plain/path", "/it's here/a b.zip", "/$(touch x)/`y`/;z", "/'\"'/"]) {
      expect(execFileSync("sh", ["-c", `printf %s ${shellQuote(path)}`]).toString()).toBe(path);
    }
  });
});

describe("remoteChecksum against OpenSSH", () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("checks the server's sha256sum before committing, even for names the shell would mangle", async () => {
    const destination = await destinationFor(server, { remoteChecksum: true });
    const key = "it's a job/it's $(job) 1.zip";
    await put(destination, key, "checked on the server");
    expect(await keysOf(destination, "it's a job/")).toEqual([key]);
    expect(existsSync(join(server.dataDir, "backups", key))).toBe(true);
    await destination.close();
  });
});
