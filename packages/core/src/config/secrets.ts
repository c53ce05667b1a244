import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { CairnError } from "../errors.js";
import { formatPath } from "./issues.js";

const REFERENCE = /\$\{(env|file):([^}]+)\}/g;

/** Every value resolved from a secret reference, so logs and errors can redact them. */
export class SecretSet {
  readonly #values = new Set<string>();

  add(value: string): void {
    // Very short values would redact ordinary words; they are not worth hiding that way.
    if (value.length >= 4) this.#values.add(value);
  }

  get size(): number {
    return this.#values.size;
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join("[redacted]");
    return out;
  }
}

export function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return path;
}

/** Replaces `${env:NAME}` and `${file:PATH}` in every string of the parsed config. */
export function resolveSecrets(
  value: unknown,
  baseDir: string,
  secrets: SecretSet,
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === "string") return resolveString(value, baseDir, secrets, path);
  if (Array.isArray(value))
    return value.map((item, i) => resolveSecrets(item, baseDir, secrets, [...path, i]));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = resolveSecrets(item, baseDir, secrets, [...path, key]);
    return out;
  }
  return value;
}

function resolveString(text: string, baseDir: string, secrets: SecretSet, path: PropertyKey[]): string {
  return text.replace(REFERENCE, (_match, kind: string, name: string) => {
    const where = formatPath(path);
    if (kind === "env") {
      const found = process.env[name];
      if (found === undefined) {
        throw new CairnError("CONFIG_INVALID", `${where}: environment variable ${name} is not set`, {
          hint: `export ${name}=... before running cairn, or put the value in a file and use \${file:PATH}`,
        });
      }
      secrets.add(found);
      return found;
    }
    const file = expandHome(name.trim());
    const full = isAbsolute(file) ? file : resolve(baseDir, file);
    let content: string;
    try {
      content = readFileSync(full, "utf8").replace(/\r?\n$/, "");
    } catch (cause) {
      throw new CairnError("CONFIG_INVALID", `${where}: cannot read secret file ${full}`, {
        cause,
        hint: "check that the file exists and that this user may read it",
      });
    }
    secrets.add(content);
    return content;
  });
}
