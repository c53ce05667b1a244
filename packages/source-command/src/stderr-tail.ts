const KEEP_CHARS = 16_384;
const TAIL_LINES = 20;

/** Keeps the last few KiB of a child's stderr, enough for the lines that say why it failed. */
export class StderrTail {
  #text = "";

  push(chunk: string): void {
    this.#text = (this.#text + chunk).slice(-KEEP_CHARS);
  }

  /** The last lines, with every secret value replaced. */
  lines(redact: (text: string) => string): string {
    return redact(this.#text.trimEnd().split("\n").slice(-TAIL_LINES).join("\n"));
  }
}

/** A redactor for the given secret values (a password, a URL's password part). */
export function redactValues(values: readonly (string | undefined)[]): (text: string) => string {
  const secrets = values.filter((v): v is string => typeof v === "string" && v.length > 0);
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join("[redacted]");
    return out;
  };
}
