export {
  CAPABILITY_METHODS,
  checkCapabilities,
  declaredCapabilities,
  freeSpaceOf,
  unavailableCapabilities,
} from "./capabilities.js";
export type { BackupCatalog, CompleteBackup, IncompleteUpload } from "./catalog/list-backups.js";
export { listBackups } from "./catalog/list-backups.js";
export { ARCHIVE_LEVELS, formatUnsupported } from "./config/archive-checks.js";
export { CONFIG_NAMES, findConfigFile } from "./config/find.js";
export { formatIssue, formatPath } from "./config/issues.js";
export { configJsonSchema } from "./config/json-schema.js";
export type { CairnConfig, ConfigOverrides, ConfiguredDestination, ConfiguredJob } from "./config/load.js";
export { loadConfig, parseConfig } from "./config/load.js";
export type { ArchiveConfig, CairnConfigData, HooksConfig, JobConfig, PluginEntry } from "./config/schema.js";
export {
  archiveConfigSchema,
  configSchema,
  hooksConfigSchema,
  hostSchema,
  jobConfigSchema,
  pluginEntrySchema,
} from "./config/schema.js";
export { expandHome, type Redactor, redactCredentials, SecretSet } from "./config/secrets.js";
export { configWarnings } from "./config/warnings.js";
export type {
  ArchivedEntry,
  ArchiveFormat,
  ArchiveOptions,
  Archiver,
  ArchiverFactory,
  ArchiveWriteOptions,
} from "./contracts/archiver.js";
export { ARCHIVE_EXTENSIONS, ARCHIVE_FORMATS, SIZES_UP_FRONT } from "./contracts/archiver.js";
export type { Logger, LogLevel, RunContext } from "./contracts/context.js";
export { silentLogger } from "./contracts/context.js";
export type {
  CapabilityName,
  Destination,
  DestinationCapabilities,
  ExclusiveObjects,
  PutInfo,
  StoredObject,
  UnavailableCapabilities,
  VersionedObject,
} from "./contracts/destination.js";
export type {
  EntryType,
  RestoredCheck,
  RestoredFiles,
  Source,
  SourceEntry,
  SourcePart,
  SplitSource,
} from "./contracts/source.js";
export { isSplitSource } from "./contracts/source.js";
export { withDeclaredSize } from "./declared-size.js";
export type {
  DestinationDefinition,
  DestinationPlugin,
  PluginContext,
  SourceContext,
  SourceDefinition,
  SourcePlugin,
} from "./define.js";
export {
  checkApiVersion,
  defineDestination,
  defineSource,
  isPlugin,
  PLUGIN_API_VERSION,
} from "./define.js";
export {
  classifyFailure,
  type DestinationErrorOptions,
  type FailureKind,
  httpFailure,
  httpStatusOf,
  isNetworkError,
  toDestinationError,
} from "./destination-errors.js";
export { checkKey, checkListPrefix, MAX_KEY_BYTES, MAX_KEY_PART_BYTES } from "./destination-keys.js";
export * from "./drill/index.js";
export type { ConfiguredEncryption } from "./encryption/config.js";
export type { ParsedIdentity } from "./encryption/keys.js";
export type { DecryptionKeys } from "./encryption/open-stored.js";
export { isEncrypted, keysFit } from "./encryption/open-stored.js";
export { newIdentity, parseIdentityFile } from "./encryption/public.js";
export { encryptionConfigSchema } from "./encryption/schema.js";
export type { IndexCheck } from "./entry-index/archive-check.js";
export { ArchiveCheck } from "./entry-index/archive-check.js";
export { checkEntries, type EntriesRead } from "./entry-index/check-entries.js";
export { ProblemList } from "./entry-index/differences.js";
export { INDEX_ENTRY_PATH, type IndexLine, isIndexEntry, readIndex } from "./entry-index/format.js";
export { EntryIndexWriter, type IndexSummary } from "./entry-index/writer.js";
export type { CairnErrorOptions, ErrorCode } from "./errors.js";
export { CairnError, describeError, ERROR_CODES, isAbortError } from "./errors.js";
export * from "./lease/index.js";
export { createLogger, type LogFormat, type LoggerOptions } from "./logging/create-logger.js";
export type { Manifest } from "./manifest.js";
export { manifestSchema, parseManifest, serializeManifest } from "./manifest.js";
export {
  createMemoryDestination,
  type MemoryDestination,
  type MemoryDestinationOptions,
} from "./memory-destination.js";
export type { ParsedKey } from "./naming.js";
export {
  archiveKey,
  ENCRYPTED_SUFFIX,
  formatStamp,
  isValidJobName,
  jobPrefix,
  leaseKey,
  manifestKey,
  newBackupId,
  parseKey,
} from "./naming.js";
export * from "./notify/index.js";
export {
  type FolderFile,
  isPartialName,
  partialName,
  STALE_UPLOAD_AGE_MS,
  stalePartials,
} from "./partial-uploads.js";
export type { PlannedBackup, RetentionOptions, RetentionRun } from "./pipeline/apply-retention.js";
export { applyRetention } from "./pipeline/apply-retention.js";
export type { HookConfig } from "./pipeline/hooks.js";
export type { JobLock } from "./pipeline/lock.js";
export { lockJob } from "./pipeline/lock.js";
export type { OpenDestination } from "./pipeline/open-destinations.js";
export { closeQuietly, openDestination } from "./pipeline/open-destinations.js";
export type { ErrorSummary } from "./pipeline/outcome.js";
export { summarizeError } from "./pipeline/outcome.js";
export type { RestoreOptions, RestoreResult } from "./pipeline/restore.js";
export { restoreBackup } from "./pipeline/restore.js";
export { retentionFailed, succeeded } from "./pipeline/results.js";
export type {
  BackupProgress,
  BackupResult,
  BackupRunOptions,
  DestinationResult,
  JobRun,
  PlannedUpload,
  Stage,
} from "./pipeline/run-backup.js";
export { JOB_STAGES, runBackup, runJob } from "./pipeline/run-backup.js";
export { ParentGuard, safeTargetPath } from "./pipeline/safe-path.js";
export type { BranchOutcome, TeeBranch, TeeResult } from "./pipeline/tee.js";
export { tee } from "./pipeline/tee.js";
export type { UploadArgs } from "./pipeline/upload.js";
export { uploadBackup } from "./pipeline/upload.js";
export type { UploadLayer } from "./pipeline/upload-layers.js";
export type { VerifyResult } from "./pipeline/verify.js";
export { verifyBackup } from "./pipeline/verify.js";
export { findExecutable, requireProgram } from "./process/find-executable.js";
export type { CommandArgs } from "./process/run-command.js";
export { PluginRegistry } from "./registry.js";
export * from "./retention/index.js";
export * from "./schedule/index.js";
export { entryNameFrom, entryNameSchema } from "./sources/entry-name.js";
export type { PathSourceOptions } from "./sources/path-options.js";
export { pathSourceOptions } from "./sources/path-options.js";
export { createPathSource, pathSource } from "./sources/path-source.js";
export {
  createSpooledSource,
  type SpooledEntryMeta,
  type SpooledSourceSpec,
} from "./sources/spooled-source.js";
export * from "./status/index.js";
export { formatClockDuration, parseClockDuration } from "./util/clock-duration.js";
