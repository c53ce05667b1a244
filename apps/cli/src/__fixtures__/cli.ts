import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built command, as a user runs it: e2e tests never import the program, they spawn it. */
export const CLI = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(CLI)) {
    throw new Error(
      `the CLI is not built (${CLI} is missing): run \`npx turbo run build --filter=@cairn/cli...\` first (turbo's test task does)`,
    );
  }
}

/** A scratch project: its own folder, config, and state folder (locks), removed by `cleanup`. */
export class Project {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Project> {
    assertBuilt();
    return new Project(await mkdtemp(join(tmpdir(), "cairn-cli-")));
  }

  get configFile(): string {
    return join(this.dir, "cairn.config.yaml");
  }

  get stateDir(): string {
    return join(this.dir, ".state");
  }

  async writeConfig(yaml: string): Promise<void> {
    await writeFile(this.configFile, yaml);
  }

  async file(relative: string, content: string | Buffer): Promise<string> {
    const full = join(this.dir, relative);
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, content);
    return full;
  }

  /** The names in a folder of the project, sorted; [] when it does not exist. */
  async ls(relative: string): Promise<string[]> {
    return (await readdir(join(this.dir, relative)).catch(() => [] as string[])).sort();
  }

  start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    return spawn(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: { ...process.env, XDG_STATE_HOME: this.stateDir, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    return finished(this.start(args, env));
  }

  /** Runs a command whose stdout is JSON, and parses it (failing with the output when it is not). */
  async json<T = Record<string, unknown>>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T & { $run: CliRun }> {
    const result = await this.run([...args, "--json"], env);
    try {
      return { ...(JSON.parse(result.stdout) as T), $run: result };
    } catch {
      throw new Error(`cairn ${args.join(" ")} --json printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  }

  cleanup(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

export function finished(child: ChildProcess): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A config with one local destination and one job; `extra` is YAML appended inside the job. */
export function simpleConfig(source: string, extra = "", format = "zip"): string {
  return `destinations:
  disk: { type: local, path: ./backups }
jobs:
  job:
    source: { type: path, path: ${JSON.stringify(source)} }
    archive: { format: ${JSON.stringify(format)} }
    destinations: [disk]
${extra
  .split("\n")
  .filter(Boolean)
  .map((line) => `    ${line}`)
  .join("\n")}
`;
}

export interface ListedBackup {
  id: string;
  destination: string;
  job: string;
  time: string;
  size: number;
  key: string;
}

export async function listed(project: Project): Promise<{ backups: ListedBackup[]; incomplete: { id: string; reason: string }[] }> {
  return project.json(["list"]);
}
