import { spawn } from "node:child_process";
import { access, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { bufferStream, tempDir } from "@cairn/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalDestination } from "./local-destination.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(packageDir, "dist", "index.js");

// A child process uploads an endless, slow stream through the built package, so it can be killed mid-write.
const uploader = `
import { Readable } from "node:stream";
import { createLocalDestination } from ${JSON.stringify(built)};
const body = new Readable({ read() { setTimeout(() => this.push(Buffer.alloc(64 * 1024, 1)), 5); } });
await createLocalDestination(process.argv[1]).put("db/db-1.zip", body, { signal: new AbortController().signal });
`;

describe("an upload killed mid-write", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir("cairn-local-kill-");
  });
  afterEach(async () => {
    await dir.remove();
  });

  it("leaves a temporary file that is never listed and does not block the next put", async () => {
    await access(built).catch(() => {
      throw new Error(
        `${built} is missing: build first (npx turbo run build --filter=@cairn/destination-local)`,
      );
    });
    const root = join(dir.path, "backups");
    const child = spawn(process.execPath, ["--input-type=module", "-e", uploader, root], {
      stdio: "inherit",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      let names: string[] = [];
      for (let waited = 0; waited < 10_000; waited += 20) {
        names = await readdir(join(root, "db")).catch(() => []);
        if (names.some((name) => name.endsWith(".partial"))) break;
        await sleep(20);
      }
      expect(names.some((name) => name.endsWith(".partial"))).toBe(true);
      await sleep(100);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }

    const dest = createLocalDestination(root);
    const listed: string[] = [];
    for await (const object of dest.list("")) listed.push(object.key);
    expect(listed).toEqual([]);
    await dest.put("db/db-1.zip", bufferStream("complete"), { signal: new AbortController().signal });
    for await (const object of dest.list("db/")) listed.push(object.key);
    expect(listed).toEqual(["db/db-1.zip"]);
  }, 30_000);
});
