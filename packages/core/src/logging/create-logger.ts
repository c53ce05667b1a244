import type { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger, LogLevel } from "../contracts/context.js";

export type LogFormat = "text" | "json";

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Hides every secret the config holds; applied to messages and to every field. */
  redact: (text: string) => string;
  /** stderr by default: stdout belongs to results and `--json`. */
  destination?: Writable & { fd?: number };
  /** For the text format: colours when writing to a terminal. */
  color?: boolean;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * The run's logger: human-readable lines on a terminal, JSON lines (pino) for machines. Secrets
 * are redacted after formatting, so no field, however nested, can carry one out.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const clean = (fields: Record<string, unknown> | undefined) =>
    fields === undefined
      ? undefined
      : (JSON.parse(options.redact(JSON.stringify(fields))) as Record<string, unknown>);

  if (options.format === "json") {
    const base = pino(
      {
        level: options.level,
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    );
    const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
      base[level](clean(fields) ?? {}, options.redact(message));
    return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
  }

  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const labels: Record<LogLevel, string> = {
    debug: paint("90", "debug"),
    info: paint("36", "info "),
    warn: paint("33", "warn "),
    error: paint("31", "error"),
  };
  const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[options.level]) return;
    const time = new Date().toTimeString().slice(0, 8);
    const extra = Object.entries(clean(fields) ?? {})
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    destination.write(
      `${paint("90", time)} ${labels[level]} ${options.redact(message)}${extra ? ` ${paint("90", extra)}` : ""}\n`,
    );
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
