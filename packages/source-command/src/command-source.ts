import { resolve } from "node:path";
import {
  createSpooledSource,
  defineSource,
  expandHome,
  PLUGIN_API_VERSION,
  SecretSet,
  type Source,
  type SourceContext,
} from "@cairn/core";
import { type CommandSourceOptions, commandSourceOptions } from "./command-options.js";

/** The standard output of a command as one archive entry; a failing command fails the backup. */
export const commandSource = defineSource({
  type: "command",
  apiVersion: PLUGIN_API_VERSION,
  options: commandSourceOptions,
  secrets: ["env"],
  create(options, ctx) {
    return createCommandSource(options, ctx);
  },
});

export function createCommandSource(
  options: CommandSourceOptions,
  { baseDir = process.cwd(), sizesUpFront = true, secrets = new SecretSet() }: Partial<SourceContext> = {},
): Source {
  const list = Array.isArray(options.command);
  const shell = options.shell ?? !list;
  const argv = list
    ? (options.command as string[])
    : (options.command as string).split(/\s+/).filter(Boolean);
  const [file, ...args] =
    shell && list ? [argv.map(quoteForShell).join(" ")] : shell ? [options.command as string] : argv;
  const shown = list ? argv.join(" ") : (options.command as string);
  // The command line itself may hold a secret resolved from ${env:...}; env values are secrets.
  for (const value of Object.values(options.env ?? {})) secrets.add(value);
  const redact = (text: string) => secrets.redact(text);
  const label = `command \`${redact(shown)}\``;
  return createSpooledSource({
    describe: () => `command ${redact(shown)} as ${options.name}`,
    entryName: options.name,
    tempDir: options.tempDir,
    baseDir,
    tempPrefix: "command",
    sizesUpFront,
    async command() {
      return {
        label,
        file: file!,
        args,
        shell,
        env: { ...process.env, ...options.env },
        cwd: options.cwd ? resolve(baseDir, expandHome(options.cwd)) : baseDir,
        ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
        redact,
        hint: "run the command by hand to see why it fails; the backup keeps nothing of a failed run",
      };
    },
  });
}

/** Single quotes keep every argument literal for a POSIX shell. */
function quoteForShell(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
