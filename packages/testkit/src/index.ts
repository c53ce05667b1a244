export type { CaseContext, CaseGroup, SuiteSettings, TestRunner } from "./conformance/case-context.js";
export {
  type DescribeDestinationOptions,
  type DestinationSetup,
  describeDestination,
} from "./conformance/describe-destination.js";
export {
  abortAfter,
  bufferStream,
  collect,
  failingStream,
  randomStream,
  sha256OfStream,
} from "./faults/streams.js";
export { pluginContext } from "./plugin-context.js";
export { backUpSource, backUpTo } from "./sources/back-up.js";
export { restoredFiles } from "./sources/restored-files.js";
export { tempDir, withTempDir } from "./temp-dir.js";
