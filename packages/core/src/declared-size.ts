import { pipeline, type Readable, Transform } from "node:stream";
import { CairnError } from "./errors.js";

function mismatch(key: string, declared: number, actual: string): CairnError {
  return new CairnError(
    "SIZE_MISMATCH",
    `the upload of "${key}" was declared as ${declared} bytes, but its body had ${actual}; nothing was stored`,
    { hint: "the data changed or was cut off while it was read; run the backup again" },
  );
}

/**
 * The body of a put, held to the size its caller declared: a byte past it fails the stream at
 * once, and an end before it fails the stream instead of ending it. Either way the destination
 * sees an error before its commit, so a short or long upload is never stored. Without a declared
 * size the body is returned as it is.
 */
export function withDeclaredSize(body: Readable, size: number | undefined, key: string): Readable {
  if (size === undefined) return body;
  let seen = 0;
  const checked = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      seen += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      if (seen > size) done(mismatch(key, size, `more than ${size}`));
      else done(null, chunk);
    },
    flush(done) {
      done(seen < size ? mismatch(key, size, `only ${seen}`) : null);
    },
  });
  // pipeline carries an error of the body to `checked`, and a destroyed `checked` back to the body.
  pipeline(body, checked, () => {});
  return checked;
}
