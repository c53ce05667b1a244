import { z } from "zod";
import { destinationLimitKeys } from "../bandwidth/options.js";
import { ARCHIVE_FORMATS } from "../contracts/archiver.js";
import { drillConfigSchema } from "../drill/schema.js";
import { encryptionConfigSchema } from "../encryption/schema.js";
import { notifySchema } from "../notify/schema.js";
import { retentionPolicySchema } from "../retention/index.js";
import { clockDurationSchema } from "../sources/path-options.js";
import { ARCHIVE_LEVELS, formatUnsupported } from "./archive-checks.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nameSchema = z
  .string()
  .regex(NAME, { message: "names use letters, digits, '.', '_' and '-', and start with a letter or digit" });

/** A plugin reference: its `type` picks the plugin, whose own schema checks the other keys. */
export const pluginEntrySchema = z.looseObject({
  type: z.string({ message: "needs a `type` (a built-in like `local`, or an npm package name)" }).min(1),
});

/**
 * Keys every destination entry takes besides its plugin's own options: core applies them to
 * whatever the plugin returns.
 */
export const destinationCoreKeys = {
  ...destinationLimitKeys,
  /**
   * Encrypt what this destination stores (age), while the job's other destinations get the plain
   * archive: the off-site copy encrypted, the local one not (docs/encryption.md).
   */
  encryption: encryptionConfigSchema.optional(),
};

/** The keys above, taken out of an entry before its plugin checks the rest. */
export const DESTINATION_CORE_KEYS = Object.keys(destinationCoreKeys);

/** A destination: its plugin's `type` and options, plus the keys core applies to any destination. */
export const destinationEntrySchema = pluginEntrySchema.extend(destinationCoreKeys);

export const archiveConfigSchema = z
  .strictObject({
    format: z.enum(ARCHIVE_FORMATS).default("zip"),
    /**
     * Compression level. zip and tar.gz: 0 stores, 9 squeezes hardest, 6 (the default) is the
     * usual balance. tar.zst: zstd's 1 to 19, 3 by default.
     */
    level: z.int().min(0).max(19).optional(),
  })
  .superRefine((archive, ctx) => {
    const unsupported = formatUnsupported(archive.format);
    if (unsupported) {
      ctx.addIssue({
        code: "custom",
        path: ["format"],
        message: `${unsupported}: upgrade Node.js, or use format tar.gz`,
        // The message says it all; the whole archive mapping after it would only confuse.
        input: undefined,
      });
    }
    const levels = ARCHIVE_LEVELS[archive.format];
    if (archive.level !== undefined && levels && (archive.level < levels.min || archive.level > levels.max)) {
      ctx.addIssue({
        code: "custom",
        path: ["level"],
        message: `${archive.format} takes a level from ${levels.min} to ${levels.max}, got ${archive.level}`,
      });
    }
  });

/** Shell commands run around a job, with CAIRN_JOB, CAIRN_BACKUP_ID, CAIRN_STATUS and CAIRN_DESTINATIONS set. */
export const hooksConfigSchema = z.strictObject({
  /** Runs first; if it fails, nothing is backed up. */
  before: z.string().min(1).optional(),
  /** Runs last, whatever happened. */
  after: z.string().min(1).optional(),
  onSuccess: z.string().min(1).optional(),
  onFailure: z.string().min(1).optional(),
  /** How long a hook may run before it is killed; 10 minutes by default. */
  timeout: clockDurationSchema.optional(),
});

export const jobConfigSchema = z.strictObject({
  source: pluginEntrySchema,
  archive: archiveConfigSchema.default({ format: "zip" }),
  /**
   * Encrypt the archive in the age format before it leaves the machine, for every destination
   * (docs/encryption.md). A destination's own `encryption` is the way to encrypt only some.
   */
  encryption: encryptionConfigSchema.optional(),
  destinations: z.array(nameSchema).min(1),
  retention: retentionPolicySchema.optional(),
  /** IANA time zone for retention buckets and schedules; the machine's by default. */
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'expected an IANA time zone such as "Europe/Berlin" or "UTC"' })
    .optional(),
  /** Cron expression (5 fields, or 6 with seconds first) in the job's time zone, for `cairn run`. */
  schedule: z.string().optional(),
  /** When the newest backup is older than this, `cairn status` calls the job stale; twice the schedule's interval by default. */
  staleAfter: clockDurationSchema.optional(),
  /** For `cairn run`: run once on start-up if a scheduled run was missed (the machine slept). */
  catchUp: z.boolean().optional(),
  tags: z.array(z.string()).default([]),
  /**
   * Upload nothing where the newest backup already holds the source as it is now (same entries,
   * sizes, modes and mtimes, same archive and encryption settings); retention still runs.
   * Only sources that can tell cheaply (a `path` folder or file) are ever skipped.
   */
  skipUnchanged: z.boolean().optional(),
  hooks: hooksConfigSchema.optional(),
  /** Where to report this job's runs (webhook, healthchecks-style ping, command), besides the global ones. */
  notify: notifySchema.optional(),
  /** Restore drills on a schedule of their own, for `cairn run` (docs/drills.md). */
  drill: drillConfigSchema.optional(),
});

/** Host names as they go into manifests, metric labels and Pushgateway paths. */
export const hostSchema = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message: "a host name uses letters, digits, '.', '_' and '-', and starts with a letter or digit",
  });

export const configSchema = z.strictObject({
  /**
   * The name this machine's backups carry, and so the retention group they belong to; the
   * machine's host name by default. Set it where that name changes (containers, pods, a laptop
   * that is `mac.local` on one network and `mac.fritz.box` on another).
   */
  host: hostSchema.optional(),
  /** How long a run waits for another host's lease on a job at a destination before failing; 10 minutes by default. */
  lockWait: clockDurationSchema.optional(),
  /** How long a lease lasts unless its holder renews it (every third of this); 2 minutes by default. */
  lockExpiry: clockDurationSchema.optional(),
  /** Where cairn keeps its locks; `~/.local/state/cairn` by default. */
  stateDir: z.string().optional(),
  /** Third-party plugin packages to load before the destinations and jobs are checked. */
  plugins: z.array(z.string()).optional(),
  destinations: z.record(nameSchema, destinationEntrySchema),
  jobs: z.record(nameSchema, jobConfigSchema),
  /** Where to report every job's runs. */
  notify: notifySchema.optional(),
});

export type PluginEntry = z.infer<typeof pluginEntrySchema>;
export type ArchiveConfig = z.infer<typeof archiveConfigSchema>;
export type HooksConfig = z.infer<typeof hooksConfigSchema>;
export type JobConfig = z.infer<typeof jobConfigSchema>;
export type CairnConfigData = z.infer<typeof configSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
