import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CairnError, newIdentity } from "@cairn/core";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

export function registerKeygen(program: Command, run: Runner): void {
  program
    .command("keygen")
    .description("make a new age identity for encrypted backups; prints its public key")
    .requiredOption("-o, --output <file>", "where to write the identity (never overwritten; mode 0600)")
    .addHelpText(
      "after",
      `
The file is the same as age-keygen writes: \`age -d -i FILE\` opens cairn's backups with it. Put
the printed public key in a job's encryption.recipients; keep the file off the backup host if
you can, and keep a copy somewhere safe: without it the backups cannot be read (docs/encryption.md).

Example:
  cairn keygen -o ~/cairn-backup-key.txt`,
    )
    .action(run((session, options: { output: string }) => keygen(session, options.output)));
}

async function keygen(session: Session, output: string): Promise<ExitCode> {
  const file = resolve(session.io.cwd, output);
  const { identity, recipient } = await newIdentity();
  const text = `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`;
  try {
    // "wx": an existing key is never replaced; losing one loses the backups made for it.
    await writeFile(file, text, { flag: "wx", mode: 0o600 });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
    throw new CairnError(
      "USAGE",
      exists ? `${file} already exists; keygen never overwrites a key` : `cannot write ${file}`,
      {
        cause: error,
        hint: exists ? "choose another file name" : "check that the folder exists and is writable",
      },
    );
  }
  if (session.json) session.printJson({ identityFile: file, recipient });
  session.note(`wrote the identity to ${file} (mode 0600); its public key:`);
  session.print(recipient);
  return EXIT.ok;
}
