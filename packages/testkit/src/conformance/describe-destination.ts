import { randomBytes } from "node:crypto";
import {
  type CapabilityName,
  checkCapabilities,
  type Destination,
  type DestinationPlugin,
  declaredCapabilities,
  type UnavailableCapabilities,
  unavailableCapabilities,
} from "@cairn/core";
import { pluginContext } from "../plugin-context.js";
import type { CaseGroup, SuiteSettings, TestRunner } from "./case-context.js";
import { CASE_GROUPS } from "./cases/index.js";
import { lifecycle } from "./cases/lifecycle.js";

export interface DestinationSetup {
  /** The destination's options as a user writes them in a config; the plugin's own schema parses them. */
  options: unknown;
  /** The config file's folder, where relative paths in the options start; the current folder by default. */
  baseDir?: string;
  /** Removes what setup made (a server, a folder); runs once, after all tests. */
  cleanup?: () => Promise<void>;
}

export interface DescribeDestinationOptions {
  /** Starts what the destination needs (a server, an emulator, a folder) and says how to reach it. Called once. */
  setup: () => Promise<DestinationSetup> | DestinationSetup;
  /**
   * Entries in one page of the destination's listing with these options: the suite lists two
   * pages and one more. Set the plugin's page size small in `options`, so that costs little.
   */
  listPageSize: number;
  /** Name in the report; the plugin's type by default. */
  label?: string;
  /** Size of the large round trip; 64 MiB by default. */
  largeBytes?: number;
  /** Per-test timeout in milliseconds; 60 s by default. */
  timeoutMs?: number;
}

/**
 * The conformance suite: every obligation of the Destination contract, on an instance made the way
 * cairn makes it (options parsed by the plugin's schema, create(), declared methods checked). The
 * cases follow the plugin's declared capabilities alone: those of a capability it does not declare
 * are reported as skipped, never as passed, and so are those of a capability the instance reports
 * unavailable. Call it at the top level of a test file, with the runner's functions
 * (`import * as vitest from "vitest"`).
 */
export function describeDestination(
  plugin: DestinationPlugin,
  options: DescribeDestinationOptions,
  runner: TestRunner,
): void {
  if (!Number.isSafeInteger(options.listPageSize) || options.listPageSize < 1) {
    throw new Error(
      `describeDestination: listPageSize must be a whole number of 1 or more, got ${options.listPageSize}`,
    );
  }
  const label = options.label ?? plugin.type;
  const timeout = options.timeoutMs ?? 60_000;
  const settings: SuiteSettings = {
    listPageSize: options.listPageSize,
    largeBytes: options.largeBytes ?? 64 * 1024 * 1024,
  };
  const declared = declaredCapabilities(plugin.capabilities);

  runner.describe(`${label}: destination conformance`, () => {
    let setup: DestinationSetup | undefined;
    let subject: Destination | undefined;
    let createFailure: unknown;
    let unavailable: UnavailableCapabilities = {};
    // Every test works under its own random prefix, so suites may share one bucket or folder.
    const root = `conformance-${randomBytes(4).toString("hex")}`;
    let tests = 0;

    const create = async (): Promise<Destination> => {
      if (!setup) throw new Error("the suite's setup did not run");
      const dest = await plugin.create(
        plugin.options.parse(setup.options),
        pluginContext({ baseDir: setup.baseDir ?? process.cwd(), name: label }),
      );
      checkCapabilities(plugin.type, plugin.capabilities, dest);
      return dest;
    };

    runner.beforeAll(async () => {
      setup = await options.setup();
      try {
        subject = await create();
        unavailable = await unavailableCapabilities(subject);
      } catch (error) {
        // Reported by every test below, so a broken create() cannot leave the suite green.
        createFailure = error;
      }
    }, timeout);
    runner.afterAll(async () => {
      await subject?.close();
      await setup?.cleanup?.();
    }, timeout);

    const register = (group: CaseGroup, capability: CapabilityName | undefined) => {
      group.define({
        expect: runner.expect,
        settings,
        another: create,
        test(title, body) {
          runner.it(
            title,
            async (context) => {
              if (createFailure !== undefined || !subject) throw createFailure;
              const reason = capability === undefined ? undefined : unavailable[capability];
              if (reason !== undefined) context.skip(`${capability} is not available here: ${reason}`);
              await body(subject, `${root}/t${++tests}`);
            },
            timeout,
          );
        },
      });
    };

    runner.it(
      "is created from its options with every method it declares",
      async () => {
        if (createFailure !== undefined) throw createFailure;
        runner.expect(subject).toBeDefined();
      },
      timeout,
    );
    for (const group of [...CASE_GROUPS, lifecycle(declared)]) {
      const capability = group.capability;
      if (capability !== undefined && !declared.includes(capability)) {
        runner.it.skip(`${group.name}: not tested, "${plugin.type}" does not declare it`, () => {});
        continue;
      }
      runner.describe(group.name, () => register(group, capability));
    }
  });
}
