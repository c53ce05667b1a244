import { CairnError, type Destination } from "@cairn/core";

export const signal = (): AbortSignal => new AbortController().signal;

/**
 * How a call ended. A method that throws instead of returning a rejected promise breaks every
 * caller that chains `.catch()`, so that is reported as a failure of its own.
 */
export async function settle<T>(call: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let promise: Promise<T>;
  try {
    promise = call();
  } catch (thrown) {
    return { error: new Error(`it threw instead of returning a rejected promise: ${String(thrown)}`) };
  }
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

export async function keysUnder(dest: Destination, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of dest.list(prefix)) keys.push(object.key);
  return keys.sort();
}

/** The code of a CairnError, or what was there instead: an assertion on it says what went wrong. */
export function codeOf(error: unknown): string {
  if (error === undefined) return "(it succeeded)";
  if (CairnError.is(error)) return error.code;
  return `(not a CairnError: ${String(error)})`;
}
