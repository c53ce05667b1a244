import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination, PLUGIN_API_VERSION } from "../define.js";
import { CairnError } from "../errors.js";
import { PluginRegistry } from "../registry.js";
import { pathSource } from "../sources/path-source.js";
import { parseConfig } from "./load.js";

const diskPlugin = defineDestination({
  type: "disk-test",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({ path: z.string(), token: z.string().optional() }),
  secrets: ["token"],
  capabilities: { delete: true, freeSpace: false },
  create: () => {
    throw new Error("not used");
  },
});
const appendOnly = defineDestination({
  type: "append-only",
  apiVersion: PLUGIN_API_VERSION,
  options: z.strictObject({}),
  capabilities: { delete: false, freeSpace: false },
  create: () => {
    throw new Error("not used");
  },
});

const registry = () => new PluginRegistry({ destinations: [diskPlugin, appendOnly], sources: [pathSource] });

const valid = `
destinations:
  disk: { type: disk-test, path: ./backups }
jobs:
  db:
    source: { type: path, path: ./data.sqlite }
    destinations: [disk]
    retention: { keepLast: 5 }
`;

async function problemsOf(text: string, file = "/etc/cairn/cairn.config.yaml"): Promise<string> {
  try {
    await parseConfig(text, file, registry());
  } catch (error) {
    expect(CairnError.is(error, "CONFIG_INVALID")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected the config to be refused");
}

describe("config loading", () => {
  it("loads a valid config with defaults filled in", async () => {
    const config = await parseConfig(valid, "/etc/cairn/cairn.config.yaml", registry());
    const job = config.jobs.get("db")!;
    expect(job.archive).toEqual({ format: "zip" });
    expect(job.destinations).toEqual(["disk"]);
    expect(job.source.options).toEqual({ path: "./data.sqlite" });
    expect(config.destinations.get("disk")!.options).toEqual({ path: "./backups" });
    expect(config.baseDir).toBe("/etc/cairn");
  });

  it("names the file and the key path of a wrong value", async () => {
    const message = await problemsOf(valid.replace("keepLast: 5", 'keepLast: "seven"'));
    expect(message).toContain("/etc/cairn/cairn.config.yaml");
    expect(message).toMatch(/jobs\.db\.retention\.keepLast: .*"seven"/);
  });

  it("reports unknown keys, plugin option errors and dangling references together", async () => {
    const message = await problemsOf(`
destinations:
  disk: { type: disk-test, paht: ./backups }
jobs:
  db:
    source: { type: path, path: ./x }
    destinations: [disk, nas]
    retenton: { keepLast: 5 }
`);
    expect(message).toContain("jobs.db.retenton: unknown key");
    // Schema errors stop before plugin checks; fix those first, then the rest is reported.
    const second = await problemsOf(`
destinations:
  disk: { type: disk-test, paht: ./backups }
jobs:
  db:
    source: { type: path, path: ./x }
    destinations: [disk, nas]
`);
    expect(second).toContain("destinations.disk.paht: unknown key");
    expect(second).toContain("destinations.disk.path: is required");
    expect(second).toContain('jobs.db.destinations[1]: no destination named "nas"');
  });

  it("checks the compression level against the format's own range", async () => {
    const withArchive = (archive: string) =>
      valid.replace("destinations: [disk]", `destinations: [disk]\n    archive: ${archive}`);
    const zstd = await parseConfig(withArchive("{ format: tar.zst, level: 19 }"), "/c.yaml", registry());
    expect(zstd.jobs.get("db")!.archive).toEqual({ format: "tar.zst", level: 19 });
    expect(await problemsOf(withArchive("{ format: zip, level: 12 }"))).toContain(
      "jobs.db.archive.level: zip takes a level from 0 to 9, got 12",
    );
    expect(await problemsOf(withArchive("{ format: tar.zst, level: 0 }"))).toContain(
      "jobs.db.archive.level: tar.zst takes a level from 1 to 19, got 0",
    );
  });

  it("takes bandwidth limits on any destination, keeping them from the plugin's own options", async () => {
    const limited = valid.replace(
      "disk: { type: disk-test, path: ./backups }",
      'disk: { type: disk-test, path: ./backups, bandwidthLimit: "08:00,1MiB/s 19:00,off", limits: { download: 20MiB/s } }',
    );
    const config = await parseConfig(limited, "/c.yaml", registry());
    const disk = config.destinations.get("disk")!;
    expect(disk.options).toEqual({ path: "./backups" });
    expect(Object.keys(disk.bandwidth).sort()).toEqual(["download", "upload"]);
    const message = await problemsOf(
      valid.replace("path: ./backups }", "path: ./backups, limits: { upload: fast, sideways: 1M } }"),
    );
    expect(message).toContain('destinations.disk.limits.upload: cannot read the rate "fast"');
    expect(message).toContain("destinations.disk.limits.sideways: unknown key");
  });

  it("refuses retention at a destination that cannot delete", async () => {
    const message = await problemsOf(`
destinations:
  vault: { type: append-only }
jobs:
  db:
    source: { type: path, path: ./x }
    destinations: [vault]
    retention: { keepLast: 3 }
`);
    expect(message).toContain("jobs.db.retention");
    expect(message).toContain("cannot delete");
  });

  it("says which types exist when a type is unknown", async () => {
    const message = await problemsOf(valid.replace("type: disk-test", "type: ftp"));
    expect(message).toContain('destinations.disk.type: unknown destination type "ftp"');
    expect(message).toContain('"disk-test"');
  });

  it("says what to install when a plugin package is missing", async () => {
    const message = await problemsOf(
      valid.replace("type: disk-test", 'type: "@acme/cairn-destination-webdav"'),
    );
    expect(message).toContain("npm install @acme/cairn-destination-webdav");
  });

  it("reports YAML syntax errors with the file", async () => {
    const message = await problemsOf("jobs: [unclosed\n");
    expect(message).toContain("is not valid YAML");
  });

  describe("secrets", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "cairn-secrets-"));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
      delete process.env.CAIRN_TEST_SECRET_TOKEN;
    });

    it("resolves ${env:NAME} and ${file:PATH} and remembers the values for redaction", async () => {
      process.env.CAIRN_TEST_SECRET_TOKEN = "s3cr3t-from-env";
      await writeFile(join(dir, "path.txt"), "/srv/backups\n");
      const config = await parseConfig(
        valid.replace("path: ./backups", 'path: "${file:path.txt}", token: "${env:CAIRN_TEST_SECRET_TOKEN}"'),
        join(dir, "cairn.config.yaml"),
        registry(),
      );
      expect(config.destinations.get("disk")!.options).toEqual({
        path: "/srv/backups",
        token: "s3cr3t-from-env",
      });
      expect(config.secrets.redact("token is s3cr3t-from-env")).toBe("token is [redacted]");
    });

    it("names the key and the variable when an environment variable is missing", async () => {
      const message = await problemsOf(valid.replace("path: ./backups", 'path: "${env:CAIRN_TEST_NOT_SET}"'));
      expect(message).toContain("destinations.disk.path: environment variable CAIRN_TEST_NOT_SET is not set");
    });

    it("never prints a secret inside an error", async () => {
      process.env.CAIRN_TEST_SECRET_TOKEN = "hunter2-very-secret";
      const message = await problemsOf(
        valid.replace(
          "retention: { keepLast: 5 }",
          'retention: { keepLast: "${env:CAIRN_TEST_SECRET_TOKEN}" }',
        ),
      );
      expect(message).toContain("jobs.db.retention.keepLast");
      expect(message).not.toContain("hunter2-very-secret");
    });

    it("hides a secret written into the config itself, in the keys the plugin declares", async () => {
      // A number where the plugin wants a string: the error would otherwise echo it back.
      const message = await problemsOf(valid.replace("path: ./backups", "path: ./backups, token: 73310042"));
      expect(message).toContain("destinations.disk.token");
      expect(message).not.toContain("73310042");
      const config = await parseConfig(
        valid.replace("path: ./backups", "path: ./backups, token: literal-in-the-file"),
        "/etc/cairn/cairn.config.yaml",
        registry(),
      );
      expect(config.secrets.redact("sent literal-in-the-file")).toBe("sent [redacted]");
    });
  });
});
