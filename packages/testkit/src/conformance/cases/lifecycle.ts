import { CAPABILITY_METHODS, type CapabilityName, type Destination } from "@cairn/core";
import type { CaseGroup } from "../case-context.js";

/** Capabilities whose methods core calls wherever they exist, declared or not. */
const CALLED_WHEN_PRESENT: readonly CapabilityName[] = ["freeSpace", "deleteMany"];

/**
 * Methods core would call though the plugin does not declare them, so the suite never tests them.
 * (The lease calls are used only where `exclusiveCreate` is declared, so having them is harmless.)
 */
export function undeclaredMethods(dest: Destination, declared: readonly CapabilityName[]): string[] {
  return CALLED_WHEN_PRESENT.filter((name) => !declared.includes(name))
    .flatMap((name) => CAPABILITY_METHODS[name])
    .filter((method) => typeof dest[method] === "function")
    .map(String);
}

export const lifecycle = (declared: readonly CapabilityName[]): CaseGroup => ({
  name: "lifecycle",
  define({ test, expect, another }) {
    test("declares exactly the capabilities it implements", async (dest) => {
      // Declared but missing methods fail create() in the suite already; this catches the reverse.
      expect(undeclaredMethods(dest, declared)).toEqual([]);
    });

    test("can be closed twice", async () => {
      const extra = await another();
      await extra.close();
      await extra.close();
    });
  },
});
