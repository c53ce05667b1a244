import { Readable } from "node:stream";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  collect,
  type EmulatedAccount,
  emulatedAccount,
  patternStream,
  readAll,
  sha256Of,
  signal,
} from "./__fixtures__/emulated.js";

const MiB = 1024 * 1024;
let account: EmulatedAccount;
afterEach(async () => {
  await account?.emu.close();
});

describe("Dropbox destination on the emulator, through the dropbox SDK", () => {
  it("puts a small archive with files/upload under the folder, lists it, reads it back and deletes it", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    const data = await readAll(patternStream(300 * 1024));
    const stored = await dest.put("db/db-1.zip", Readable.from([data]), { signal: signal() });
    expect(stored).toMatchObject({ key: "db/db-1.zip", size: data.length });
    expect(account.emu.filePaths()).toEqual(["/backups/db/db-1.zip"]);
    expect(account.emu.calls.filter((c) => c.route.startsWith("files/upload")).map((c) => c.route)).toEqual([
      "files/upload",
    ]);

    expect(await collect(dest.list("db/"))).toEqual([
      { key: "db/db-1.zip", size: data.length, modified: expect.any(Date) },
    ]);
    expect(await collect(dest.list("other/"))).toEqual([]);
    expect((await readAll(await dest.get("db/db-1.zip", { signal: signal() }))).equals(data)).toBe(true);

    await dest.delete("db/db-1.zip");
    await dest.delete("db/db-1.zip");
    expect(account.emu.filePaths()).toEqual([]);
    await expect(dest.get("db/db-1.zip", { signal: signal() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses to write over an existing key and keeps the first file", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    await dest.put("a/x.zip", Readable.from([Buffer.from("first")]), { signal: signal() });
    await expect(
      dest.put("a/x.zip", Readable.from([Buffer.from("first")]), { signal: signal() }),
    ).rejects.toMatchObject({
      code: "DESTINATION_CONFLICT",
    });
    expect((await account.emu.readFile("/backups/a/x.zip")).toString()).toBe("first");
  });

  it("sends a larger archive through an upload session in 4 MiB-multiple chunks", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    const size = 10 * MiB + 123;
    await dest.put("db/big.zip", patternStream(size), { signal: signal() });
    const routes = account.emu.calls.map((c) => c.route).filter((r) => r.startsWith("files/upload"));
    expect(routes).toEqual([
      "files/upload_session/start",
      "files/upload_session/append_v2",
      "files/upload_session/finish",
    ]);
    expect(await sha256Of(Readable.from([await account.emu.readFile("/backups/db/big.zip")]))).toBe(
      await sha256Of(patternStream(size)),
    );
  });

  it("waits as long as a 429's Retry-After says, then carries on", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    account.emu.faults.rateLimit("files/upload_session/append_v2", { retryAfterSeconds: 1 });
    const started = Date.now();
    await dest.put("db/r.zip", patternStream(9 * MiB), { signal: signal() });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(account.emu.calls.filter((c) => c.status === 429)).toHaveLength(1);
    expect(account.emu.filePaths()).toEqual(["/backups/db/r.zip"]);
  });

  it("retries 5xx answers and too_many_write_operations", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    account.emu.faults.serverError("files/upload", { status: 503, times: 2 });
    account.emu.faults.rateLimit("files/delete_v2", {
      reason: "too_many_write_operations",
      retryAfterSeconds: 0,
    });
    await dest.put("db/s.zip", Readable.from([Buffer.from("x")]), { signal: signal() });
    await dest.delete("db/s.zip");
    expect(account.emu.filePaths()).toEqual([]);
  });

  it("resumes a session at the last acknowledged offset after a dropped append, without restarting", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    const size = 17 * MiB;
    // One append is cut half-way (nothing kept); a later one lands but its answer is lost.
    account.emu.faults.dropConnection("files/upload_session/append_v2", { after: 1, afterBytes: 2 * MiB });
    account.emu.faults.dropConnection("files/upload_session/finish", {
      applyBeforeDrop: false,
      afterBytes: 1,
    });
    await dest.put("db/d.zip", patternStream(size), { signal: signal() });
    account.emu.faults.dropConnection("files/upload_session/append_v2", { after: 1, applyBeforeDrop: true });
    await dest.put("db/e.zip", patternStream(size, 2), { signal: signal() });

    expect(account.emu.calls.filter((c) => c.route === "files/upload_session/start")).toHaveLength(2);
    expect(account.emu.calls.filter((c) => c.status === -1).length).toBeGreaterThanOrEqual(3);
    // The lost answer was recovered from Dropbox's incorrect_offset, not by sending the chunk twice.
    expect(
      account.emu.calls.filter((c) => c.route === "files/upload_session/append_v2" && c.status === 409),
    ).toHaveLength(1);
    for (const [path, seed] of [
      ["/backups/db/d.zip", 1],
      ["/backups/db/e.zip", 2],
    ] as const) {
      expect(await sha256Of(Readable.from([await account.emu.readFile(path)]))).toBe(
        await sha256Of(patternStream(size, seed)),
      );
    }
  });

  it("adopts a file whose commit landed when only the answer was lost", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    account.emu.faults.dropConnection("files/upload", { applyBeforeDrop: true });
    await dest.put("db/lost.zip", Readable.from([Buffer.from("landed")]), { signal: signal() });
    expect(account.emu.calls.filter((c) => c.route === "files/upload").map((c) => c.status)).toEqual([
      -1, 409,
    ]);
    expect((await account.emu.readFile("/backups/db/lost.zip")).toString()).toBe("landed");
  });

  it("refreshes an access token that expired mid-run and goes on", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    const body = patternStream(13 * MiB);
    let read = 0;
    body.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read === 6 * MiB) account.emu.expireAccessTokens();
    });
    await dest.put("db/t.zip", body, { signal: signal() });
    expect(account.emu.calls.some((c) => c.status === 401)).toBe(true);
    expect(account.emu.calls.filter((c) => c.route === "oauth2/token")).toHaveLength(2);
    expect(account.emu.filePaths()).toEqual(["/backups/db/t.zip"]);
  });

  it("refreshes a token that died while it waited out a Retry-After", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    account.emu.expireAccessTokensAfter(1);
    account.emu.faults.rateLimit("files/list_folder", { retryAfterSeconds: 2 });
    expect(await collect(dest.list("db/"))).toEqual([]);
    // token, 429, token expired meanwhile, new token, list (409 path/not_found: no folder yet, so nothing listed)
    expect(account.emu.calls.map((c) => `${c.route} ${c.status}`)).toEqual([
      "oauth2/token 200",
      "files/list_folder 429",
      "files/list_folder 401",
      "oauth2/token 200",
      "files/list_folder 409",
    ]);
  });

  it("fails a revoked refresh token with DESTINATION_AUTH naming `cairn auth dropbox`, and never shows a token", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    account.emu.revokeRefreshToken(account.refreshToken);
    const error = await dest
      .put("db/x.zip", Readable.from([Buffer.from("x")]), { signal: signal() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "DESTINATION_AUTH",
      hint: expect.stringContaining("cairn auth dropbox --app-key"),
    });
    expect(String((error as Error).message)).toMatch(/revoked or has expired/);
    const everything = `${inspect(error, { depth: 10 })} ${account.logLines.join("\n")}`;
    expect(everything).not.toContain(account.refreshToken);
    expect(everything).not.toMatch(/emu-access-/);
    expect(account.emu.filePaths()).toEqual([]);
  });

  it("never writes a token into the log while retrying", async () => {
    account = await emulatedAccount();
    const dest = account.destination();
    account.emu.faults.rateLimit("files/list_folder", { retryAfterSeconds: 0, times: 2 });
    account.emu.expireAccessTokens();
    await collect(dest.list("db/"));
    expect(account.logLines.length).toBeGreaterThan(0);
    expect(account.logLines.join("\n")).not.toContain(account.refreshToken);
    expect(account.logLines.join("\n")).not.toMatch(/emu-access-|Bearer/);
  });

  it("detects content corrupted in transit by Dropbox's content_hash and removes the upload", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    account.emu.faults.corrupt("files/upload_session/finish");
    const error = await dest
      .put("db/c.zip", patternStream(5 * MiB), { signal: signal() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "DESTINATION_IO",
      message: expect.stringMatching(/arrived corrupted/),
    });
    expect(account.emu.filePaths()).toEqual([]);
  });

  it("fails with DESTINATION_QUOTA and the numbers when the account is full, storing nothing", async () => {
    account = await emulatedAccount({ quota: 6 * MiB });
    const dest = account.destination({ chunkSize: 4 * MiB });
    await dest.put("db/old.zip", patternStream(2 * MiB), { signal: signal() });
    expect(await dest.freeSpace()).toBe(4 * MiB);
    const error = await dest
      .put("db/new.zip", patternStream(9 * MiB), { signal: signal() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DESTINATION_QUOTA" });
    expect((error as Error).message).toMatch(/; 2\.10 MB of 6\.29 MB used/);
    expect(account.emu.filePaths()).toEqual(["/backups/db/old.zip"]);
    expect(account.emu.openSessions()).toBe(0);
  });

  it("reads free space of a team seat from the team's space and the member's cap", async () => {
    account = await emulatedAccount({ team: { allocated: 100 * MiB, otherMembersUsed: 90 * MiB } });
    expect(await account.destination().freeSpace()).toBe(10 * MiB);
    account.emu.setAllocation({
      kind: "team",
      allocated: 100 * MiB,
      otherMembersUsed: 0,
      userLimit: 3 * MiB,
    });
    expect(await account.destination().freeSpace()).toBe(3 * MiB);
  });

  it("lists past one page of list_folder and only keys under the prefix", async () => {
    account = await emulatedAccount();
    for (let i = 0; i < 2050; i += 1)
      await account.emu.writeFile(`/backups/db/f${String(i).padStart(4, "0")}.zip`, "x");
    await account.emu.writeFile("/backups/dbx/other.zip", "x");
    await account.emu.writeFile("/elsewhere/db/f.zip", "x");
    const keys = (await collect(account.destination().list("db/"))).map((o) => o.key);
    expect(keys).toHaveLength(2050);
    expect(new Set(keys).size).toBe(2050);
    expect(account.emu.calls.some((c) => c.route === "files/list_folder/continue")).toBe(true);
    // 2,050 files written to the emulator's disk first: seconds on a loaded machine.
  }, 60_000);

  it("deletes many keys with delete_batch, polling until done; missing keys count as deleted", async () => {
    account = await emulatedAccount();
    for (const name of ["a", "b", "c"]) await account.emu.writeFile(`/backups/db/${name}.zip`, name);
    await account.destination().deleteMany(["db/a.zip", "db/b.zip", "db/missing.zip"]);
    expect(account.emu.filePaths()).toEqual(["/backups/db/c.zip"]);
    expect(
      account.emu.calls.filter((c) => c.route === "files/delete_batch/check").length,
    ).toBeGreaterThanOrEqual(2);
  });

  it("leaves nothing when an upload is aborted", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    const controller = new AbortController();
    const body = patternStream(20 * MiB);
    let read = 0;
    body.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read >= 9 * MiB && !controller.signal.aborted) controller.abort();
    });
    await expect(dest.put("db/ab.zip", body, { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect(account.emu.filePaths()).toEqual([]);
  });

  it("keeps unicode and spaces in keys through upload, list and download", async () => {
    account = await emulatedAccount();
    const dest = account.destination({ chunkSize: 4 * MiB });
    const key = "jöb/ünï cødé 名前 - 1.zip";
    await dest.put(key, patternStream(5 * MiB), { signal: signal() });
    expect((await collect(dest.list("jöb/"))).map((o) => o.key)).toEqual([key]);
    expect(await sha256Of(await dest.get(key, { signal: signal() }))).toBe(
      await sha256Of(patternStream(5 * MiB)),
    );
  });
});
