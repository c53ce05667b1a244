import type {
  CapabilityName,
  Destination,
  DestinationCapabilities,
  UnavailableCapabilities,
} from "./contracts/destination.js";
import { CairnError } from "./errors.js";

/** The methods each capability promises; a capability without any is a promise about behaviour. */
export const CAPABILITY_METHODS: Record<CapabilityName, readonly (keyof Destination)[]> = {
  delete: ["delete"],
  freeSpace: ["freeSpace"],
  deleteMany: ["deleteMany"],
  exclusiveCreate: ["createExclusive", "readVersioned", "replaceIfVersion", "deleteIfVersion"],
  compareAndSwap: [],
};

const REQUIRED_METHODS = ["put", "get", "list", "close"] as const;

/** The capabilities a plugin declares, by name. */
export function declaredCapabilities(capabilities: DestinationCapabilities): CapabilityName[] {
  return (Object.keys(CAPABILITY_METHODS) as CapabilityName[]).filter((name) => capabilities[name] === true);
}

/** After create(): every capability declared true must have its method, and every destination its basic ones. */
export function checkCapabilities(
  type: string,
  capabilities: DestinationCapabilities,
  dest: Destination,
): void {
  const missing: string[] = REQUIRED_METHODS.filter((method) => typeof dest[method] !== "function");
  for (const name of declaredCapabilities(capabilities)) {
    for (const method of CAPABILITY_METHODS[name])
      if (typeof dest[method] !== "function") missing.push(method);
  }
  if (missing.length > 0) {
    throw new CairnError(
      "PLUGIN_INVALID",
      `destination plugin "${type}" declares capabilities it does not implement: ${missing.join(", ")}`,
      { hint: "implement the methods, or declare the capabilities false" },
    );
  }
}

/**
 * The destination with only the optional methods its plugin declares. Core decides what to call by
 * whether a method is there; a method the plugin has but does not declare (a `deleteMany` it is
 * still working on) was never run through the conformance suite, so core must not use it.
 */
export function declaredOnly(capabilities: DestinationCapabilities, dest: Destination): Destination {
  const hidden = new Set<PropertyKey>(
    (Object.keys(CAPABILITY_METHODS) as CapabilityName[])
      .filter((name) => capabilities[name] !== true)
      .flatMap((name) => CAPABILITY_METHODS[name]),
  );
  if (![...hidden].some((method) => method in dest)) return dest;
  return new Proxy(dest, {
    get(target, property) {
      if (hidden.has(property)) return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    has: (target, property) => !hidden.has(property) && Reflect.has(target, property),
  });
}

/** What the instance says it cannot do after all; a probe that cannot reach the server rejects. */
export async function unavailableCapabilities(dest: Destination): Promise<UnavailableCapabilities> {
  if (typeof dest.unavailableCapabilities !== "function") return {};
  return dest.unavailableCapabilities();
}

/**
 * Bytes free at the destination, or undefined when it cannot tell: no freeSpace(), or a server
 * without the means (which the destination reports through unavailableCapabilities()).
 */
export async function freeSpaceOf(dest: Destination): Promise<number | undefined> {
  if (typeof dest.freeSpace !== "function") return undefined;
  if ((await unavailableCapabilities(dest)).freeSpace !== undefined) return undefined;
  return dest.freeSpace();
}
