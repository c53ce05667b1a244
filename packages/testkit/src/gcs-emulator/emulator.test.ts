import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crc32cToBase64, crc32cUpdate, type GcsEmulator, startGcsEmulator } from "./index.js";

let emulator: GcsEmulator;
beforeEach(async () => {
  emulator = await startGcsEmulator({ buckets: ["b"] });
});
afterEach(async () => {
  await emulator.stop();
});

const api = (path: string) => `${emulator.url}${path}`;
const send = (path: string, init: RequestInit = {}) => fetch(api(path), { redirect: "manual", ...init });

async function startSession(name: string, query = ""): Promise<string> {
  const res = await send(
    `/upload/storage/v1/b/b/o?uploadType=resumable&name=${encodeURIComponent(name)}${query}`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ metadata: { sha256: "abc" } }),
    },
  );
  expect(res.status).toBe(200);
  const location = res.headers.get("location");
  expect(location).toMatch(/upload_id=/);
  return location as string;
}

async function simpleUpload(name: string, body: string, query = ""): Promise<Response> {
  return send(`/upload/storage/v1/b/b/o?uploadType=media&name=${encodeURIComponent(name)}${query}`, {
    method: "POST",
    body,
  });
}

describe("GCS emulator: resumable uploads", () => {
  it("takes chunks with Content-Range, answers 308 with the persisted Range, and finishes with hashes", async () => {
    const data = Buffer.alloc(256 * 1024 + 5, 7);
    const uri = await startSession("dir/big.bin");
    const first = await fetch(uri, {
      method: "PUT",
      redirect: "manual",
      headers: { "content-range": `bytes 0-${256 * 1024 - 1}/*` },
      body: data.subarray(0, 256 * 1024),
    });
    expect(first.status).toBe(308);
    expect(first.headers.get("range")).toBe(`bytes=0-${256 * 1024 - 1}`);

    const status = await fetch(uri, {
      method: "PUT",
      redirect: "manual",
      headers: { "content-range": "bytes */*" },
    });
    expect(status.status).toBe(308);
    expect(status.headers.get("range")).toBe(`bytes=0-${256 * 1024 - 1}`);
    expect(emulator.objectNames("b")).toEqual([]);

    const last = await fetch(uri, {
      method: "PUT",
      headers: { "content-range": `bytes ${256 * 1024}-${data.length - 1}/${data.length}` },
      body: data.subarray(256 * 1024),
    });
    expect(last.status).toBe(200);
    const object = (await last.json()) as Record<string, unknown>;
    expect(object.size).toBe(String(data.length));
    expect(object.md5Hash).toBe(createHash("md5").update(data).digest("base64"));
    expect(object.crc32c).toBe(crc32cToBase64(crc32cUpdate(0, data)));
    expect(object.metadata).toEqual({ sha256: "abc" });
    expect(emulator.objectNames("b")).toEqual(["dir/big.bin"]);
  });

  it("reports no Range before any byte arrived, and skips bytes it already has when a client resends", async () => {
    const uri = await startSession("x");
    const empty = await fetch(uri, {
      method: "PUT",
      redirect: "manual",
      headers: { "content-range": "bytes */*" },
    });
    expect(empty.status).toBe(308);
    expect(empty.headers.get("range")).toBeNull();
    await fetch(uri, {
      method: "PUT",
      redirect: "manual",
      headers: { "content-range": "bytes 0-3/*" },
      body: "abcd",
    });
    const res = await fetch(uri, {
      method: "PUT",
      headers: { "content-range": "bytes 2-5/6" },
      body: "cdef",
    });
    expect(res.status).toBe(200);
    const media = await fetch(api("/storage/v1/b/b/o/x?alt=media"));
    expect(await media.text()).toBe("abcdef");
  });

  it("creates no object for a cancelled session (499), nor for one never finished", async () => {
    const uri = await startSession("cancelled");
    await fetch(uri, {
      method: "PUT",
      redirect: "manual",
      headers: { "content-range": "bytes 0-3/*" },
      body: "abcd",
    });
    await startSession("abandoned");
    const cancel = await fetch(uri, { method: "DELETE" });
    expect(cancel.status).toBe(499);
    expect(emulator.openUploads()).toBe(1);
    expect(emulator.objectNames("b")).toEqual([]);
    const after = await fetch(uri, { method: "PUT", headers: { "content-range": "bytes */*" } });
    expect(after.status).toBe(404);
  });

  it("refuses a final chunk whose x-goog-hash does not match what arrived, leaving no object", async () => {
    const uri = await startSession("bad-hash");
    const res = await fetch(uri, {
      method: "PUT",
      headers: { "content-range": "bytes 0-3/4", "x-goog-hash": `crc32c=${crc32cToBase64(1)}` },
      body: "abcd",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/CRC32C/);
    expect(emulator.objectNames("b")).toEqual([]);
  });
});

describe("GCS emulator: preconditions", () => {
  it("answers 412 to ifGenerationMatch=0 when the object exists, at the start and at the finish", async () => {
    const a = await startSession("same", "&ifGenerationMatch=0");
    const b = await startSession("same", "&ifGenerationMatch=0");
    expect(
      (await fetch(a, { method: "PUT", headers: { "content-range": "bytes 0-0/1" }, body: "a" })).status,
    ).toBe(200);
    const late = await fetch(b, { method: "PUT", headers: { "content-range": "bytes 0-0/1" }, body: "b" });
    expect(late.status).toBe(412);
    const body = (await late.json()) as { error: { code: number; errors: { reason: string }[] } };
    expect(body.error.errors[0]?.reason).toBe("conditionNotMet");
    const start = await send("/upload/storage/v1/b/b/o?uploadType=resumable&name=same&ifGenerationMatch=0", {
      method: "POST",
    });
    expect(start.status).toBe(412);
    expect(await (await fetch(api("/storage/v1/b/b/o/same?alt=media"))).text()).toBe("a");
  });
});

describe("GCS emulator: preconditions as one step with the write", () => {
  it("lets one of eight racing ifGenerationMatch=0 inserts succeed, and replaces or deletes only the named generation", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        simpleUpload("lock", `racer ${i}`, "&ifGenerationMatch=0").then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
    const meta = (await (await fetch(api("/storage/v1/b/b/o/lock"))).json()) as { generation: string };
    const racers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        simpleUpload("lock", `next ${i}`, `&ifGenerationMatch=${meta.generation}`).then((r) => r.status),
      ),
    );
    expect(racers.filter((s) => s === 200)).toHaveLength(1);
    const stale = await send(`/storage/v1/b/b/o/lock?ifGenerationMatch=${meta.generation}`, {
      method: "DELETE",
    });
    expect(stale.status).toBe(412);
    expect(emulator.objectNames("b")).toEqual(["lock"]);
  });
});

describe("GCS emulator: reads, lists, deletes", () => {
  it("pages a listing with maxResults and pageToken, filtered by prefix, grouped by delimiter", async () => {
    for (const name of ["p/1", "p/2", "p/3", "p/4", "p/sub/5", "q/1"])
      expect((await simpleUpload(name, name)).status).toBe(200);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await fetch(
        api(`/storage/v1/b/b/o?prefix=p/&maxResults=2${token ? `&pageToken=${token}` : ""}`),
      );
      const page = (await res.json()) as { items: { name: string }[]; nextPageToken?: string };
      names.push(...page.items.map((i) => i.name));
      token = page.nextPageToken;
      pages += 1;
    } while (token);
    expect(names).toEqual(["p/1", "p/2", "p/3", "p/4", "p/sub/5"]);
    expect(pages).toBe(3);
    const grouped = (await (await fetch(api("/storage/v1/b/b/o?prefix=p/&delimiter=/"))).json()) as {
      items: unknown[];
      prefixes: string[];
    };
    expect(grouped.items).toHaveLength(4);
    expect(grouped.prefixes).toEqual(["p/sub/"]);
  });

  it("serves ranges with the whole object's x-goog-hash, and 404s in the JSON error format", async () => {
    await simpleUpload("r", "0123456789");
    const res = await fetch(api("/storage/v1/b/b/o/r?alt=media"), { headers: { range: "bytes=4-" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe("bytes 4-9/10");
    expect(res.headers.get("x-goog-hash")).toContain(
      `md5=${createHash("md5").update("0123456789").digest("base64")}`,
    );
    expect(await res.text()).toBe("456789");
    const missing = await fetch(api("/storage/v1/b/b/o/nope"));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: number } }).error.code).toBe(404);
    expect((await fetch(api("/storage/v1/b/nobucket"))).status).toBe(404);
  });

  it("deletes with 204, and answers 404 for an object already gone", async () => {
    await simpleUpload("d", "x");
    expect((await fetch(api("/storage/v1/b/b/o/d"), { method: "DELETE" })).status).toBe(204);
    expect((await fetch(api("/storage/v1/b/b/o/d"), { method: "DELETE" })).status).toBe(404);
  });

  it("reports the bucket's soft delete policy", async () => {
    emulator.createBucket("soft", { softDeletePolicy: { retentionDurationSeconds: 864000 } });
    const bucket = (await (await fetch(api("/storage/v1/b/soft"))).json()) as {
      softDeletePolicy: { retentionDurationSeconds: string };
    };
    expect(bucket.softDeletePolicy.retentionDurationSeconds).toBe("864000");
  });
});

describe("GCS emulator: faults", () => {
  it("fails the next matching requests with the injected status, then recovers", async () => {
    emulator.faults.fail({ status: 503, count: 2, kind: "list" });
    expect((await fetch(api("/storage/v1/b/b"))).status).toBe(200);
    expect((await fetch(api("/storage/v1/b/b/o"))).status).toBe(503);
    expect((await fetch(api("/storage/v1/b/b/o"))).status).toBe(503);
    expect((await fetch(api("/storage/v1/b/b/o"))).status).toBe(200);
  });

  it("requires a bearer token when told to", async () => {
    emulator.faults.requireToken("secret-token");
    expect((await fetch(api("/storage/v1/b/b"))).status).toBe(401);
    expect(
      (await fetch(api("/storage/v1/b/b"), { headers: { authorization: "Bearer secret-token" } })).status,
    ).toBe(200);
  });

  it("cuts a download after the given number of bytes", async () => {
    await simpleUpload("c", "x".repeat(100_000));
    emulator.faults.cutDownload(1000);
    const res = await fetch(api("/storage/v1/b/b/o/c?alt=media"));
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect((await (await fetch(api("/storage/v1/b/b/o/c?alt=media"))).arrayBuffer()).byteLength).toBe(
      100_000,
    );
  });
});

it("computes CRC32C like the standard check value", () => {
  expect(crc32cUpdate(0, Buffer.from("123456789")).toString(16)).toBe("e3069283");
  const whole = crc32cUpdate(0, Buffer.from("hello world, in two parts"));
  const split = crc32cUpdate(crc32cUpdate(0, Buffer.from("hello world")), Buffer.from(", in two parts"));
  expect(split).toBe(whole);
});
