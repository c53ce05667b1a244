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
