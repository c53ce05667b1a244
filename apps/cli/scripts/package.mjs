// Builds `cairn` as one executable (Node's single executable applications): the built CLI and
// every dependency bundled into one CommonJS file, injected into a copy of the Node that runs
// this script. Run after `npm run build`, as `npm run package`; writes apps/cli/dist-sea/cairn
// (cairn.exe on Windows). Node 24 runs an injected script as CommonJS only, hence the bundle.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const cli = fileURLToPath(new URL("..", import.meta.url));
const out = join(cli, "dist-sea");
const { version } = JSON.parse(readFileSync(join(cli, "package.json"), "utf8"));
const executable = join(out, process.platform === "win32" ? "cairn.exe" : "cairn");
const bundle = join(out, "cairn.cjs");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  input: join(cli, "dist/sea-main.js"),
  platform: "node",
  // ssh2 tries its optional native crypto binding and cpu-features inside try/catch: left out,
  // the require fails in the executable and ssh2 uses Node's own crypto, as it does without them.
  external: [/\.node$/, "cpu-features"],
  transform: { define: { CAIRN_BUNDLED_VERSION: JSON.stringify(version) } },
  logLevel: "warn",
  output: { file: bundle, format: "cjs", codeSplitting: false },
});

const config = join(out, "sea-config.json");
const blob = join(out, "sea-prep.blob");
writeFileSync(
  config,
  JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }),
);
execFileSync(process.execPath, ["--experimental-sea-config", config], { stdio: "inherit" });

copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
if (process.platform === "linux") {
  // Node's release binaries keep their symbols; the dynamic ones, which native addons link against, stay.
  try {
    execFileSync("strip", ["--strip-all", executable]);
  } catch {
    console.warn("package: `strip` not found (binutils); the executable keeps Node's debug symbols");
  }
}
if (process.platform === "darwin") execFileSync("codesign", ["--remove-signature", executable]);

const postject = join(dirname(fileURLToPath(import.meta.resolve("postject"))), "cli.js");
// postject warns about ELF note sections it does not know; only a failure's output is shown.
const injected = spawnSync(
  process.execPath,
  [
    postject,
    executable,
    "NODE_SEA_BLOB",
    blob,
    "--sentinel-fuse",
    "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
    ...(process.platform === "darwin" ? ["--macho-segment-name", "NODE_SEA"] : []),
  ],
  { encoding: "utf8" },
);
if (injected.status !== 0) throw new Error(`postject failed:\n${injected.stdout}${injected.stderr}`);
if (process.platform === "darwin") execFileSync("codesign", ["--sign", "-", executable]);

const megabytes = (statSync(executable).size / 1024 / 1024).toFixed(0);
console.log(`package: ${executable} (${megabytes} MiB), cairn ${version} on Node ${process.versions.node}`);
