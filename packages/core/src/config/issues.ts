import type { z } from "zod";
import { CairnError } from "../errors.js";

/** Turns a zod issue into one line a person can act on: `jobs.db.retention.keepDaily: expected a whole number, got "seven"`. */
export function formatIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const path = formatPath([...prefix, ...issue.path]);
  const at = path ? `${path}: ` : "";
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `${at}is required (expected ${nameOfType(issue.expected)})`;
      return `${at}expected ${nameOfType(issue.expected)}, got ${describeValue(input)}`;
    case "unrecognized_keys":
      return issue.keys
        .map((key) => `${formatPath([...prefix, ...issue.path, key])}: unknown key`)
        .join("\n");
    case "invalid_value":
      return `${at}expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(input)}`;
    case "too_small":
      if (issue.origin === "array") return `${at}needs at least ${issue.minimum} item(s)`;
      if (issue.origin === "string") return `${at}must not be empty`;
      return `${at}must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}, got ${describeValue(input)}`;
    case "too_big":
      return `${at}must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}, got ${describeValue(input)}`;
    default:
      return `${at}${issue.message}${input !== undefined && !issue.message.includes("got") ? `, got ${describeValue(input)}` : ""}`;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      out += /^[A-Za-z_$][\w$-]*$/.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

function nameOfType(expected: string): string {
  const names: Record<string, string> = {
    int: "a whole number",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

/** An error as one problem line of a config check, with its hint where it has one. */
export function messageOf(error: unknown): string {
  if (CairnError.is(error) && error.hint) return `${error.message} (${error.hint})`;
  return error instanceof Error ? error.message : String(error);
}
