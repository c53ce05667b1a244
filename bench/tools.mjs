// Every tool the bench times: cairn's formats and the peers users would pick instead. Each
// prepare() makes a fresh output (a fresh repository for restic and borg) outside the timing.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
}

const RESTIC_ENV = { RESTIC_PASSWORD: "bench" };
const borgEnv = (out) => ({
  BORG_BASE_DIR: join(out, "borg-home"),
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: "yes",
  BORG_RELOCATED_REPO_ACCESS_IS_OK: "yes",
});

/** A public key only (age's documentation example): encrypting needs no secret. */
const BENCH_RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

function cairn(format, cli, encrypted = false) {
  const encryption = encrypted ? { encryption: { recipients: [BENCH_RECIPIENT] } } : {};
  return {
    name: `cairn ${format}${encrypted ? " age" : ""}`,
    prepare(data, out) {
      const config = join(out, "cairn.config.json");
      writeFileSync(
        config,
        JSON.stringify({
          stateDir: join(out, "state"),
          destinations: { disk: { type: "local", path: join(out, "backups") } },
          jobs: {
            bench: {
              source: { type: "path", path: data },
              archive: { format },
              destinations: ["disk"],
              ...encryption,
            },
          },
        }),
      );
      return {
        command: process.execPath,
        args: [cli, "backup", "--quiet", "--config", config],
        cwd: out,
        output: join(out, "backups"),
      };
    },
  };
}

function archiveTool(name, archive, args) {
  return {
    name,
    prepare(data, out) {
      const file = join(out, archive);
      return {
        command: args[0],
        args: [...args.slice(1), file, data.split("/").pop()],
        cwd: dirname(data),
        output: file,
      };
    },
  };
}

/** The tools in the order they run in each round. */
export function tools(cli) {
  return [
    cairn("zip", cli),
    // Encryption's cost: `--tools "cairn zip"` runs this and plain zip in turn (docs/encryption.md).
    cairn("zip", cli, true),
    cairn("tar.gz", cli),
    cairn("tar.zst", cli),
    archiveTool("zip -r -q -6", "x.zip", ["zip", "-r", "-q", "-6"]),
    archiveTool("tar czf", "x.tar.gz", ["tar", "czf"]),
    archiveTool("tar -I pigz", "x.tar.gz", ["tar", "-I", "pigz", "-cf"]),
    archiveTool("tar --zstd", "x.tar.zst", ["tar", "--zstd", "-cf"]),
    {
      name: "restic backup",
      prepare(data, out) {
        const repo = join(out, "restic");
        run("restic", ["init", "--quiet", "--repo", repo], RESTIC_ENV);
        return {
          command: "restic",
          args: [
            "backup",
            "--quiet",
            "--repo",
            repo,
            "--cache-dir",
            join(out, "restic-cache"),
            data.split("/").pop(),
          ],
          cwd: dirname(data),
          env: RESTIC_ENV,
          output: repo,
        };
      },
    },
    ...["lz4", "zlib,6"].map((compression) => ({
      name: `borg ${compression}`,
      prepare(data, out) {
        const repo = join(out, "borg");
        mkdirSync(join(out, "borg-home"), { recursive: true });
        run("borg", ["init", "--encryption=none", repo], borgEnv(out));
        return {
          command: "borg",
          args: ["create", "--compression", compression, `${repo}::bench`, data.split("/").pop()],
          cwd: dirname(data),
          env: borgEnv(out),
          output: repo,
        };
      },
    })),
  ];
}
