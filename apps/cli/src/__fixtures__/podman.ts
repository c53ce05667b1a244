import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliRun, finished } from "./cli.js";

/** The Dockerfile's base, by the name it uses, so that the build never pulls. */
export const BASE_IMAGE = "docker.io/library/debian:bookworm-slim";

/**
 * Podman as this test machine lets it run, as root inside a sandbox: with cgroups v1 and v2 both
 * mounted crun refuses to start ("hybrid mode not supported") while runc with cgroupfs works, and
 * raising the open-files or process limits is not permitted, so they are set below the machine's.
 */
const PODMAN_GLOBAL = ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];
const LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

function need(tool: string, debianPackage: string): void {
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
    throw new Error(`this test needs \`${tool}\`: apt-get install ${debianPackage}`);
  }
}

function podmanSync(args: string[], timeout = 600_000) {
  return spawnSync("podman", [...PODMAN_GLOBAL, ...args], { encoding: "utf8", timeout });
}

/**
 * Makes the base image when the machine has none: Docker Hub is out of reach here, so it is
 * debootstrap's minimal Debian 12 from Debian's mirror, imported under the Dockerfile's name.
 * Podman keeps it, so only a machine's first run pays for it (about four minutes).
 */
export async function ensureBaseImage(): Promise<void> {
  need("podman", "podman");
  need("runc", "runc");
  if (podmanSync(["image", "exists", BASE_IMAGE]).status === 0) return;
  need("debootstrap", "debootstrap");
  const root = await mkdtemp(join(tmpdir(), "cairn-rootfs-"));
  try {
    const strap = spawnSync(
      "debootstrap",
      ["--variant=minbase", "bookworm", root, "http://deb.debian.org/debian"],
      { encoding: "utf8", timeout: 900_000 },
    );
    if (strap.status !== 0) throw new Error(`debootstrap failed:\n${strap.stdout.slice(-2000)}${strap.stderr}`);
    const imported = spawnSync(
      "sh",
      ["-c", `tar -C "$1" -c . | podman ${PODMAN_GLOBAL.join(" ")} import - "$2"`, "sh", root, BASE_IMAGE],
      { encoding: "utf8", timeout: 600_000 },
    );
    if (imported.status !== 0) throw new Error(`podman import failed:\n${imported.stderr}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** `podman build` of the repository's Dockerfile; the build's RUN steps reach Debian's mirror. */
export function buildImage(context: string, tag: string): void {
  const built = podmanSync(["build", "--pull=never", "--network", "host", ...LIMITS, "-t", tag, context]);
  if (built.status !== 0) throw new Error(`podman build failed:\n${built.stdout.slice(-3000)}${built.stderr}`);
}

export function removeImage(tag: string): void {
  podmanSync(["rmi", "--force", tag]);
}

/** `podman run --rm` on the host's network (to reach test servers on loopback); async, so in-process servers answer. */
export function runContainer(
  image: string,
  options: { volumes?: string[]; entrypoint?: string; args: string[] },
): Promise<CliRun> {
  return finished(
    spawn(
      "podman",
      [
        ...PODMAN_GLOBAL,
        "run",
        "--rm",
        "--network",
        "host",
        ...LIMITS,
        ...(options.volumes ?? []).flatMap((volume) => ["--volume", volume]),
        ...(options.entrypoint ? ["--entrypoint", options.entrypoint] : []),
        image,
        ...options.args,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    ),
  );
}
