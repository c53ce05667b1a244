import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { CairnError } from "../errors.js";
import { memoryRegistry } from "../pipeline/__fixtures__/memory-plugin.js";

const registry = memoryRegistry(new Map());
const load = (encryption: string) =>
  parseConfig(
    `destinations: { one: { type: memory, name: one } }
jobs:
  files:
    source: { type: path, path: ./data }
    destinations: [one]
    encryption: ${encryption}
`,
    join(process.cwd(), "cairn.config.yaml"),
    registry,
  );

describe("encryption config", () => {
  it("names the key path of a public key that is not one", async () => {
    const error = await load('{ recipients: ["age1notakey", "ssh-dss AAAA"] }').catch((e: unknown) => e);
    expect(CairnError.is(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toContain(
      "jobs.files.encryption.recipients[0]: not a valid age public key",
    );
    expect((error as Error).message).toContain(
      "jobs.files.encryption.recipients[1]: not a valid SSH public key",
    );
  });

  it("takes recipients or a passphrase, not both", async () => {
    const recipient = await identityToRecipient(await generateIdentity());
    const error = await load(`{ recipients: ["${recipient}"], passphrase: "xyzzy-plugh" }`).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain("not both or neither");
    expect((error as Error).message).not.toContain("xyzzy-plugh");
  });

  it("treats a passphrase and identities written into the config as secrets", async () => {
    const identity = await generateIdentity();
    const config = await load(`{ passphrase: "xyzzy-plugh", identities: ["${identity}"] }`);
    const job = config.jobs.get("files")!;
    expect(job.encryption?.recipients).toEqual([]);
    expect(job.encryption?.identities.map((i) => i.label)).toEqual([await identityToRecipient(identity)]);
    expect(config.secrets.redact(`pass xyzzy-plugh key ${identity}`)).toBe("pass [redacted] key [redacted]");
  });

  describe("on a destination", () => {
    const withDestination = (destination: string, job = "") =>
      parseConfig(
        `destinations:
  one: { type: memory, name: one }
  two: { type: memory, name: two, encryption: ${destination} }
jobs:
  files:
    source: { type: path, path: ./data }
    destinations: [one, two]
${job}
`,
        join(process.cwd(), "cairn.config.yaml"),
        registry,
      );

    it("encrypts only there, keeping the key out of the plugin's own options", async () => {
      const identity = await generateIdentity();
      const recipient = await identityToRecipient(identity);
      const config = await withDestination(`{ recipients: ["${recipient}"], identities: ["${identity}"] }`);
      const two = config.destinations.get("two")!;
      expect(two.encryption?.recipients).toEqual([recipient]);
      expect(two.options).toEqual({ name: "two" });
      expect(config.destinations.get("one")!.encryption).toBeUndefined();
      expect(config.jobs.get("files")!.encryption).toBeUndefined();
      expect(config.secrets.redact(identity)).toBe("[redacted]");
    });

    it("names the destination's key path of a bad key", async () => {
      const error = await withDestination('{ recipients: ["age1notakey"] }').catch((e: unknown) => e);
      expect((error as Error).message).toContain(
        "destinations.two.encryption.recipients[0]: not a valid age public key",
      );
    });

    it("refuses encryption on both the job and one of its destinations", async () => {
      const recipient = await identityToRecipient(await generateIdentity());
      const keys = `{ recipients: ["${recipient}"] }`;
      const error = await withDestination(keys, `    encryption: ${keys}`).catch((e: unknown) => e);
      expect(CairnError.is(error, "CONFIG_INVALID")).toBe(true);
      expect((error as Error).message).toContain(
        'jobs.files.encryption: destination "two" has its own encryption (destinations.two.encryption); set encryption in one place',
      );
    });
  });
});
