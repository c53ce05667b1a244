import {
  type CairnConfig,
  CairnError,
  type ConfiguredJob,
  createLogger,
  findConfigFile,
  type Logger,
  loadConfig,
  type PluginRegistry,
} from "@cairn/core";
import type { CliIO } from "./io.js";
import { createRegistry } from "./registry.js";
import { collectGarbage } from "./v8-flags.js";

/** The options every command takes (commander's globals). */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  logFormat?: "text" | "json";
  host?: string;
}

/**
 * One invocation: the config (loaded once, on first use), the registry, the logger and the two
 * outputs. stdout carries results (a single JSON document with --json); stderr carries logs,
 * progress and errors, so `cairn list --json | jq` always gets clean JSON.
 */
export class Session {
  readonly registry: PluginRegistry = createRegistry();
  readonly logger: Logger;
  #config: Promise<CairnConfig> | undefined;
  #redact: (text: string) => string = (text) => text;

  constructor(
    readonly io: CliIO,
    readonly options: GlobalOptions,
    /** A daemon (`cairn run`) logs each run; a one-shot command prints its results instead. */
    defaultLevel: "info" | "warn" = "warn",
  ) {
    this.logger = createLogger({
      format: options.logFormat ?? "text",
      level: options.verbose ? "debug" : options.quiet ? "error" : defaultLevel,
      redact: (text) => this.#redact(text),
      destination: io.stderr,
      color: io.stderr.isTTY === true && !io.env.NO_COLOR,
    });
  }

  get json(): boolean {
    return this.options.json === true;
  }

  config(): Promise<CairnConfig> {
    this.#config ??= (async () => {
      const file = await findConfigFile(this.options.config, this.io.cwd);
      const config = await loadConfig(
        file,
        this.registry,
        this.options.host === undefined ? {} : { host: this.options.host },
      );
      this.#redact = (text) => config.secrets.redact(text);
      // Parsing an encrypted job's keys left garbage; it goes before any backup streams.
      const encrypts = [...config.jobs.values(), ...config.destinations.values()].some((c) => c.encryption);
      if (encrypts) collectGarbage();
      return config;
    })();
    return this.#config;
  }

  redact(text: string): string {
    return this.#redact(text);
  }

  /** A line of human output on stdout; silent with --json, where stdout is one JSON document. */
  print(line = ""): void {
    if (!this.json) this.io.stdout.write(`${this.#redact(line)}\n`);
  }

  /** A status line on stderr, for people watching; --quiet hides it. */
  note(line: string): void {
    if (!this.options.quiet) this.io.stderr.write(`${this.#redact(line)}\n`);
  }

  /** The command's result as one JSON document, with every secret of the config redacted. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${this.#redact(JSON.stringify(value, null, 2))}\n`);
  }

  /** The named jobs, or all of them; an unknown name is a usage error that lists the real ones. */
  async jobs(names: readonly string[]): Promise<ConfiguredJob[]> {
    const config = await this.config();
    if (names.length === 0) return [...config.jobs.values()];
    return names.map((name) => {
      const job = config.jobs.get(name);
      if (!job) {
        throw new CairnError("USAGE", `no job named "${name}" in ${config.file}`, {
          hint: `jobs defined there: ${[...config.jobs.keys()].join(", ") || "none"}`,
        });
      }
      return job;
    });
  }
}
