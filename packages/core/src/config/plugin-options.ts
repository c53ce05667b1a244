import type { z } from "zod";
import { formatIssue } from "./issues.js";
import type { SecretSet } from "./secrets.js";

/**
 * A plugin's own schema checks its options (all but `type` and core's own keys); its errors carry
 * the config key path. Undefined, with the problems added, when they do not pass.
 */
export function checkOptions(
  schema: z.ZodType,
  entry: Record<string, unknown>,
  at: PropertyKey[],
  problems: string[],
  coreKeys: readonly string[] = [],
): unknown {
  const { type: _type, ...options } = entry;
  for (const key of coreKeys) delete options[key];
  const parsed = schema.safeParse(options, { reportInput: true });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push(formatIssue(issue, at));
  return undefined;
}

/**
 * A secret written into the config itself (`password: ...` rather than `${env:...}`) is hidden
 * like a referenced one: the plugin names the keys that hold secrets.
 */
export function addDeclaredSecrets(
  keys: readonly string[] | undefined,
  entry: Record<string, unknown>,
  secrets: SecretSet,
): void {
  const addAll = (value: unknown): void => {
    if (typeof value === "string" || typeof value === "number") secrets.add(String(value));
    else if (Array.isArray(value)) value.forEach(addAll);
    // A record of secrets, such as a command source's `env`: every value in it.
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(addAll);
  };
  for (const key of keys ?? []) addAll(entry[key]);
}
