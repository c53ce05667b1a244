import type { IndexLine } from "./format.js";

/** How many problems a check keeps to show; the rest are only counted. */
export const PROBLEMS_SHOWN = 20;

/** A list of problems that keeps the first few and counts the rest, so memory stays flat. */
export class ProblemList {
  readonly shown: string[] = [];
  count = 0;

  add(problem: string): void {
    this.count++;
    if (this.shown.length < PROBLEMS_SHOWN) this.shown.push(problem);
  }

  /** One line for an error message: the first problems, and how many more there are. */
  summary(): string {
    const more = this.count - this.shown.length;
    return `${this.shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
  }
}

/**
 * What differs between an entry as the index recorded it and as it was found (in the archive,
 * or restored on disk), each as a sentence that names the entry. Permission bits of 0 mean
 * "not recorded" (some zip writers leave them out) and are not compared.
 */
export function differences(recorded: IndexLine, found: IndexLine, where: string): string[] {
  const name = JSON.stringify(recorded.path);
  if (found.type !== recorded.type)
    return [`${name} is a ${found.type} ${where}, a ${recorded.type} in the backup`];
  const out: string[] = [];
  if (found.size !== recorded.size) {
    out.push(`${name} has ${found.size} bytes ${where}, ${recorded.size} in the backup`);
  } else if (recorded.sha256 !== undefined && found.sha256 !== recorded.sha256) {
    out.push(
      `${name} has different content ${where} (SHA-256 ${short(found.sha256)}, the backup's is ${short(recorded.sha256)})`,
    );
  }
  if (recorded.type === "symlink" && found.target !== recorded.target) {
    out.push(
      `${name} points to ${JSON.stringify(found.target)} ${where}, to ${JSON.stringify(recorded.target)} in the backup`,
    );
  }
  if (recorded.type !== "symlink" && recorded.mode !== 0 && found.mode !== recorded.mode) {
    out.push(`${name} has mode ${octal(found.mode)} ${where}, ${octal(recorded.mode)} in the backup`);
  }
  if (recorded.type !== "symlink" && found.mtime !== recorded.mtime) {
    out.push(
      `${name} was modified at ${time(found.mtime)} ${where}, at ${time(recorded.mtime)} in the backup`,
    );
  }
  return out;
}

function short(sha: string | undefined): string {
  return sha ? `${sha.slice(0, 12)}…` : "none";
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

function time(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}
