// Run by describe-destination.test.ts in a child vitest: the suite on each memory plugin.
import * as vitest from "vitest";
import { describeDestination } from "../describe-destination.js";
import * as plugins from "./memory-plugins.js";

for (const plugin of Object.values(plugins)) {
  describeDestination(plugin, { setup: () => ({ options: {} }), listPageSize: 3, largeBytes: 2 * 1024 * 1024 }, vitest);
}
