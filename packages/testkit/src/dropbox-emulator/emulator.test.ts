import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dropboxContentHash } from "./content-hash.js";
import { type DropboxEmulator, startDropboxEmulator } from "./emulator.js";

let emu: DropboxEmulator;
let token: string;

async function accessToken(refreshToken: string): Promise<string> {
  const res = await fetch(
    `${emu.url}/oauth2/token?grant_type=refresh_token&refresh_token=${refreshToken}&client_id=app`,
    { method: "POST" },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function rpc(route: string, arg: unknown, bearer = token) {
  return fetch(`${emu.url}/2/${route}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
    body: arg === null ? null : JSON.stringify(arg),
  });
}

function content(route: string, arg: unknown, body?: Uint8Array) {
  return fetch(`${emu.url}/2/${route}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/octet-stream",
      "Dropbox-API-Arg": JSON.stringify(arg),
    },
    body: body ?? new Uint8Array(),
  });
}

beforeEach(async () => {
  emu = await startDropboxEmulator({ quota: 64 * 1024 * 1024 });
  emu.addApp("app");
  token = await accessToken(emu.issueRefreshToken("app"));
});
afterEach(async () => {
  await emu.close();
});

describe("content_hash", () => {
  it("is SHA-256 over the SHA-256 of each 4 MiB block", () => {
    const data = Buffer.alloc(4 * 1024 * 1024 + 10, 7);
    const blocks = [data.subarray(0, 4 * 1024 * 1024), data.subarray(4 * 1024 * 1024)];
    const expected = createHash("sha256")
      .update(Buffer.concat(blocks.map((b) => createHash("sha256").update(b).digest())))
      .digest("hex");
    expect(dropboxContentHash(data)).toBe(expected);
    expect(dropboxContentHash(new Uint8Array())).toBe(createHash("sha256").digest("hex"));
  });
});

describe("Dropbox emulator", () => {
  it("uploads with mode add, refuses a second upload to the same path, and downloads with Dropbox-API-Result", async () => {
    const data = Buffer.from("hello dropbox");
    const up = await content(
      "files/upload",
      { path: "/Backups/a.zip", mode: "add", autorename: false },
      data,
    );
    expect(up.status).toBe(200);
    const meta = (await up.json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      ".tag": "file",
      name: "a.zip",
      path_lower: "/backups/a.zip",
      size: data.length,
    });
    expect(meta.content_hash).toBe(dropboxContentHash(data));

    const again = await content(
      "files/upload",
      { path: "/backups/A.zip", mode: "add" },
      Buffer.from("other"),
    );
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error_summary: expect.stringMatching(/^path\/conflict\/file\//),
      error: { ".tag": "path", reason: { ".tag": "conflict", conflict: { ".tag": "file" } } },
    });

    const down = await content("files/download", { path: "/backups/a.zip" });
    expect(Buffer.from(await down.arrayBuffer()).toString()).toBe("hello dropbox");
    expect(JSON.parse(down.headers.get("dropbox-api-result") ?? "{}")).toMatchObject({ size: data.length });
  });

  it("rejects an upload whose content_hash does not match", async () => {
    const res = await content(
      "files/upload",
      { path: "/x", content_hash: "0".repeat(64) },
      Buffer.from("abc"),
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error_summary: string }).error_summary).toMatch(
      /^content_hash_mismatch\//,
    );
    expect(emu.filePaths()).toEqual([]);
  });

  it("runs an upload session and answers a wrong offset with the correct one", async () => {
    const start = await content("files/upload_session/start", {}, Buffer.from("abc"));
    const { session_id } = (await start.json()) as { session_id: string };
    const wrong = await content(
      "files/upload_session/append_v2",
      { cursor: { session_id, offset: 0 } },
      Buffer.from("x"),
    );
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toMatchObject({ error: { ".tag": "incorrect_offset", correct_offset: 3 } });
    const ok = await content(
      "files/upload_session/append_v2",
      { cursor: { session_id, offset: 3 } },
      Buffer.from("def"),
    );
    expect(ok.status).toBe(200);
    const fin = await content(
      "files/upload_session/finish",
      { cursor: { session_id, offset: 6 }, commit: { path: "/s/file.bin", mode: "add" } },
      Buffer.from("g"),
    );
    expect(fin.status).toBe(200);
    expect((await emu.readFile("/s/file.bin")).toString()).toBe("abcdefg");
    expect(emu.openSessions()).toBe(0);
  });

  it("keeps none of an append whose connection dropped, so the client resumes at the same offset", async () => {
    const start = await content("files/upload_session/start", {}, Buffer.from("12345"));
    const { session_id } = (await start.json()) as { session_id: string };
    emu.faults.dropConnection("files/upload_session/append_v2", { afterBytes: 1000 });
    await expect(
      content("files/upload_session/append_v2", { cursor: { session_id, offset: 5 } }, Buffer.alloc(5000, 1)),
    ).rejects.toThrow();
    const probe = await content("files/upload_session/append_v2", { cursor: { session_id, offset: 999 } });
    expect(await probe.json()).toMatchObject({ error: { correct_offset: 5 } });
  });

  it("lists a folder in pages and recursively, and reports a missing folder as path/not_found", async () => {
    for (let i = 0; i < 5; i += 1) await emu.writeFile(`/root/sub/f${i}`, `file ${i}`);
    const first = await rpc("files/list_folder", { path: "/root", recursive: true, limit: 2 });
    let page = (await first.json()) as {
      entries: { path_display: string }[];
      cursor: string;
      has_more: boolean;
    };
    const seen = page.entries.map((e) => e.path_display);
    while (page.has_more) {
      page = (await (await rpc("files/list_folder/continue", { cursor: page.cursor })).json()) as typeof page;
      seen.push(...page.entries.map((e) => e.path_display));
    }
    expect(seen).toEqual([
      "/root/sub",
      "/root/sub/f0",
      "/root/sub/f1",
      "/root/sub/f2",
      "/root/sub/f3",
      "/root/sub/f4",
    ]);
    const flat = (await (await rpc("files/list_folder", { path: "/root" })).json()) as typeof page;
    expect(flat.entries.map((e) => e.path_display)).toEqual(["/root/sub"]);
    const missing = await rpc("files/list_folder", { path: "/nope" });
    expect(missing.status).toBe(409);
    expect(((await missing.json()) as { error_summary: string }).error_summary).toMatch(/^path\/not_found\//);
  });

  it("deletes one path, in a batch that must be polled, and says path_lookup/not_found for a missing one", async () => {
    await emu.writeFile("/a", "1");
    await emu.writeFile("/b", "2");
    expect((await rpc("files/delete_v2", { path: "/a" })).status).toBe(200);
    const again = await rpc("files/delete_v2", { path: "/a" });
    expect(((await again.json()) as { error_summary: string }).error_summary).toMatch(
      /^path_lookup\/not_found\//,
    );
    const launch = (await (
      await rpc("files/delete_batch", { entries: [{ path: "/b" }, { path: "/zz" }] })
    ).json()) as {
      async_job_id: string;
    };
    const poll = () =>
      rpc("files/delete_batch/check", { async_job_id: launch.async_job_id }).then((r) => r.json());
    expect(await poll()).toEqual({ ".tag": "in_progress" });
    expect(await poll()).toMatchObject({
      ".tag": "complete",
      entries: [{ ".tag": "success" }, { ".tag": "failure", failure: { ".tag": "path_lookup" } }],
    });
    expect(emu.filePaths()).toEqual([]);
  });

  it("completes a batch at launch when told to, as the spec allows", async () => {
    await emu.close();
    emu = await startDropboxEmulator({ deleteBatchChecks: 0 });
    emu.addApp("app");
    token = await accessToken(emu.issueRefreshToken("app"));
    await emu.writeFile("/b", "2");
    const launch = await (await rpc("files/delete_batch", { entries: [{ path: "/b" }] })).json();
    expect(launch).toMatchObject({ ".tag": "complete", entries: [{ ".tag": "success" }] });
    expect(emu.filePaths()).toEqual([]);
  });

  it("enforces the quota at commit with path/insufficient_space and reports space usage", async () => {
    const usage = (await (await rpc("users/get_space_usage", null)).json()) as Record<string, unknown>;
    expect(usage).toEqual({ used: 0, allocation: { ".tag": "individual", allocated: 64 * 1024 * 1024 } });
    const res = await content("files/upload", { path: "/big" }, Buffer.alloc(64 * 1024 * 1024 + 1));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error_summary: string }).error_summary).toMatch(
      /^path\/insufficient_space\//,
    );
    expect(emu.filePaths()).toEqual([]);
  });

  it("answers 429 with Retry-After, 5xx, and 401 for expired and revoked tokens", async () => {
    emu.faults.rateLimit("files/list_folder", { retryAfterSeconds: 7 });
    const limited = await rpc("files/list_folder", { path: "" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.json()).toMatchObject({
      error: { reason: { ".tag": "too_many_requests" }, retry_after: 7 },
    });
    emu.faults.serverError("files/list_folder", { status: 503 });
    expect((await rpc("files/list_folder", { path: "" })).status).toBe(503);
    expect((await rpc("files/list_folder", { path: "" })).status).toBe(200);

    emu.expireAccessTokens();
    const expired = await rpc("files/list_folder", { path: "" });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { ".tag": "expired_access_token" } });

    const refresh = emu.issueRefreshToken("app");
    token = await accessToken(refresh);
    emu.revokeRefreshToken(refresh);
    expect((await rpc("files/list_folder", { path: "" })).status).toBe(401);
    const denied = await fetch(
      `${emu.url}/oauth2/token?grant_type=refresh_token&refresh_token=${refresh}&client_id=app`,
      {
        method: "POST",
      },
    );
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("redeems an authorization code only with the PKCE verifier that matches its challenge", async () => {
    const verifier = "v".repeat(64);
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const code = async () => {
      const page = await fetch(
        `${emu.url}/oauth2/authorize?client_id=app&response_type=code&token_access_type=offline&code_challenge=${challenge}&code_challenge_method=S256`,
      );
      return /value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
    };
    const redeem = (c: string, v: string) =>
      fetch(`${emu.url}/oauth2/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: c,
          client_id: "app",
          code_verifier: v,
        }),
      });
    expect((await redeem(await code(), "wrong")).status).toBe(400);
    const ok = await redeem(await code(), verifier);
    const body = (await ok.json()) as { refresh_token: string };
    expect(await accessToken(body.refresh_token)).toMatch(/^emu-access-/);
  });
});

describe("Dropbox emulator: writes that depend on what is there", () => {
  const upload = (path: string, body: string, mode: unknown) =>
    content("files/upload", { path, mode, autorename: false, strict_conflict: true }, Buffer.from(body));
  const summary = async (res: Response) => ((await res.json()) as { error_summary: string }).error_summary;

  it("writes one of eight racing `add` uploads to one path and refuses the rest", async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => upload("/lock", `racer ${i}`, "add")),
    );
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = answers.filter((r) => r.status === 409);
    expect(refused).toHaveLength(7);
    expect(await summary(refused[0]!)).toMatch(/^path\/conflict\/file/);
  });

  it("overwrites in mode update only the rev given; strict_conflict refuses an update of a missing file", async () => {
    const first = (await (await upload("/lock", "one", "add")).json()) as { rev: string };
    const second = await upload("/lock", "two", { ".tag": "update", update: first.rev });
    expect(second.status).toBe(200);
    const { rev } = (await second.json()) as { rev: string };
    expect(rev).not.toBe(first.rev);
    const stale = await upload("/lock", "three", { ".tag": "update", update: first.rev });
    expect(stale.status).toBe(409);
    expect(await summary(stale)).toMatch(/^path\/conflict\/file/);
    const racing = await Promise.all(
      Array.from({ length: 4 }, (_, i) => upload("/lock", `next ${i}`, { ".tag": "update", update: rev })),
    );
    expect(racing.filter((r) => r.status === 200)).toHaveLength(1);
    expect((await upload("/gone", "x", { ".tag": "update", update: rev })).status).toBe(409);
  });

  it("deletes with parent_rev only the file of that rev", async () => {
    const { rev } = (await (await upload("/lock", "one", "add")).json()) as { rev: string };
    const wrong = await rpc("files/delete_v2", { path: "/lock", parent_rev: "0123456789abcdef01" });
    expect(wrong.status).toBe(409);
    expect(await summary(wrong)).toMatch(/^path_write\/conflict/);
    expect((await rpc("files/delete_v2", { path: "/lock", parent_rev: rev })).status).toBe(200);
  });
});
