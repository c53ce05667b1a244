import type { CapabilityName, Destination } from "@cairn/core";
import type * as Vitest from "vitest";

/** The test runner's functions, passed in so the suite registers with the caller's own copy (keyv's way). */
export type TestRunner = Pick<typeof Vitest, "describe" | "it" | "expect" | "beforeAll" | "afterAll">;

/** What a group of cases gets to register its tests. */
export interface CaseContext {
  /** Registers a test; `body` gets the destination under test and a fresh key prefix of its own. */
  test(title: string, body: (dest: Destination, prefix: string) => Promise<void>): void;
  expect: TestRunner["expect"];
  /** Creates one more instance from the same options (a test that closes it twice, say). */
  another(): Promise<Destination>;
  settings: SuiteSettings;
}

export interface SuiteSettings {
  /** Entries in one page of the destination's listing, with the options the suite was given. */
  listPageSize: number;
  /** Bytes of the large round trip. */
  largeBytes: number;
}

/**
 * A set of cases in a file of its own. Those with a `capability` run only on destinations that
 * declare it (and are skipped, with the reason, where the instance reports it unavailable); a
 * destination that does not declare it gets one skipped line saying so, never a pass.
 */
export interface CaseGroup {
  name: string;
  capability?: CapabilityName;
  define(context: CaseContext): void;
}
