import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { withDeclaredSize } from "./declared-size.js";
import { CairnError } from "./errors.js";

async function drain(stream: Readable): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return { bytes };
  } catch (error) {
    return { bytes, error };
  }
}

const chunks = (...sizes: number[]) => Readable.from(sizes.map((n) => Buffer.alloc(n, 1)));

describe("withDeclaredSize", () => {
  it("passes a body of exactly the declared size", async () => {
    expect(await drain(withDeclaredSize(chunks(3, 4), 7, "k"))).toEqual({ bytes: 7 });
  });

  it("fails a longer body at the first byte too many, never passing more than declared", async () => {
    const { bytes, error } = await drain(withDeclaredSize(chunks(3, 4, 100), 6, "db/x.zip"));
    expect(bytes).toBeLessThanOrEqual(6);
    expect(CairnError.is(error, "SIZE_MISMATCH")).toBe(true);
    expect((error as Error).message).toMatch(
      /"db\/x\.zip" was declared as 6 bytes, but its body had more than 6/,
    );
  });

  it("fails a shorter body instead of ending it", async () => {
    const { error } = await drain(withDeclaredSize(chunks(3, 4), 8, "k"));
    expect(CairnError.is(error, "SIZE_MISMATCH")).toBe(true);
    expect((error as Error).message).toMatch(/only 7/);
  });

  it("passes on the body's own error, and leaves a body without a declared size alone", async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(2);
        throw new Error("disk died");
      })(),
    );
    expect((await drain(withDeclaredSize(failing, 10, "k"))).error).toMatchObject({ message: "disk died" });
    const body = chunks(1);
    expect(withDeclaredSize(body, undefined, "k")).toBe(body);
  });

  it("destroys the body when the checked stream is destroyed (an aborted upload)", async () => {
    const body = chunks(1, 1, 1);
    withDeclaredSize(body, 3, "k").destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.destroyed).toBe(true);
  });
});
