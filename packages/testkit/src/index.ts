export {
  type DescribeDestinationOptions,
  type DestinationUnderTest,
  describeDestination,
} from "./conformance/describe-destination.js";
export {
  type DescribeExclusiveCreateOptions,
  describeExclusiveCreate,
} from "./conformance/describe-exclusive-create.js";
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
export { tempDir, withTempDir } from "./temp-dir.js";
