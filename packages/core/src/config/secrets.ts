import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { CairnError } from "../errors.js";
import { formatPath } from "./issues.js";

const REFERENCE = /\$\{(env|file):([^}]+)\}/g;

/** Hides secrets in text that is about to be printed, logged or sent. */
export interface Redactor {
  redact(text: string): string;
  /**
   * One more value to hide from here on, everywhere cairn prints: a plugin adds what it derives
   * from its options (a password taken out of a connection URL).
   */
  add(value: string): void;
}

/**
 * Text shaped like a credential, hidden whether or not the config named it: a private key read
 * from a key file, a bearer token or an OAuth access token an SDK put in its error message.
 */
const CREDENTIAL_SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, "[redacted key]"],
  [/Bearer\s+[\w.~+/-]+=*/gi, "Bearer [redacted]"],
  [/ya29\.[\w.-]+/g, "[redacted token]"],
  [/"private_key"\s*:\s*"[^"]*"/g, '"private_key":"[redacted]"'],
];

export function redactCredentials(text: string): string {
  let out = text;
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/**
 * cairn's one redactor: every value resolved from a secret reference or written under a key a
 * plugin declares secret, plus text shaped like a credential. Logs, errors, `--json`, manifests
 * and notifications all pass through it, and plugins get it as `ctx.secrets`.
 */
export class SecretSet implements Redactor {
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
    return redactCredentials(out);
  }
}

/** A path from the config, relative to the config file's folder unless absolute. */
export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
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
