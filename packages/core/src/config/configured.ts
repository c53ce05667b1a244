import type { DestinationBandwidth } from "../bandwidth/limit-destination.js";
import type { DestinationPlugin, SourcePlugin } from "../define.js";
import type { DrillConfig } from "../drill/schema.js";
import type { ConfiguredEncryption } from "../encryption/config.js";
import type { NotifierConfig } from "../notify/schema.js";
import type { HookConfig } from "../pipeline/hooks.js";
import type { RetentionPolicy } from "../retention/index.js";
import type { ArchiveConfig } from "./schema.js";
import type { SecretSet } from "./secrets.js";

// A config once loaded: every plugin found and every option checked by its schema.

export interface ConfiguredDestination {
  name: string;
  plugin: DestinationPlugin;
  options: unknown;
  /** The destination's bandwidth limits, one bucket per direction for every transfer in this process. */
  bandwidth: DestinationBandwidth;
  /** Present when this destination encrypts what it stores, whatever the job (age). */
  encryption: ConfiguredEncryption | undefined;
}

export interface ConfiguredJob {
  name: string;
  source: { plugin: SourcePlugin; options: unknown };
  archive: ArchiveConfig;
  /** Present when the job's archives are encrypted (age), at every destination. */
  encryption: ConfiguredEncryption | undefined;
  destinations: string[];
  retention: RetentionPolicy | undefined;
  timeZone: string;
  schedule: string | undefined;
  staleAfterMs: number | undefined;
  catchUp: boolean;
  tags: string[];
  /** Skip uploading where the newest backup has the source's current fingerprint (stages/skip-unchanged.ts). */
  skipUnchanged: boolean;
  hooks: HookConfig;
  /** The global notifiers, then the job's own. */
  notify: NotifierConfig[];
  /** Unattended restore drills, when the job has them. */
  drill: DrillConfig | undefined;
}

export interface CairnConfig {
  file: string;
  baseDir: string;
  stateDir: string;
  /** Leases at destinations (lease/take-lease.ts): how long to wait for one, how long one lasts. */
  lease: { waitMs: number; expiryMs: number };
  /** The name this machine's backups carry: `--host`, else `host:`, else the machine's host name. */
  host: string;
  secrets: SecretSet;
  destinations: Map<string, ConfiguredDestination>;
  jobs: Map<string, ConfiguredJob>;
}

/** What the command line overrides in a config. */
export interface ConfigOverrides {
  /** `--host`: the name this run's backups carry. */
  host?: string;
}
