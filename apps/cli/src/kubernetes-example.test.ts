import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@cairn/core";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { createRegistry } from "./registry.js";

// Offline: kubeconform's schemas cannot be fetched here, so the fields these manifests use are
// described in examples/kubernetes/schema and checked with ajv.
const EXAMPLE = fileURLToPath(new URL("../../../examples/kubernetes/", import.meta.url));
const FILES = ["configmap.yaml", "secret.yaml", "pvc.yaml", "cronjob.yaml"];

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, whose shape the schema test checks
type Manifest = Record<string, any>;

async function manifests(): Promise<Manifest[]> {
  const all: Manifest[] = [];
  for (const file of FILES) {
    for (const doc of YAML.parseAllDocuments(await readFile(join(EXAMPLE, file), "utf8")))
      all.push(doc.toJS());
  }
  return all;
}

async function validator() {
  const schema = JSON.parse(await readFile(join(EXAMPLE, "schema", "manifests.schema.json"), "utf8"));
  return new Ajv2020({ allErrors: true, strict: true, strictTypes: false }).compile(schema);
}

describe("examples/kubernetes", () => {
  it("every manifest matches the schema of the Kubernetes fields it uses", async () => {
    const validate = await validator();
    for (const manifest of await manifests()) {
      expect(validate(manifest), `${manifest.kind}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("the schema catches a misspelt key and a restart policy a Job may not have", async () => {
    const validate = await validator();
    const cronJob = (await manifests()).find((m) => m.kind === "CronJob")!;
    const typo = structuredClone(cronJob);
    typo.spec.concurencyPolicy = typo.spec.concurrencyPolicy;
    expect(validate(typo)).toBe(false);
    const always = structuredClone(cronJob);
    always.spec.jobTemplate.spec.template.spec.restartPolicy = "Always";
    expect(validate(always)).toBe(false);
  });

  it("never runs two backups at once, pins the host name, and wires every volume to its object", async () => {
    const all = await manifests();
    const byKind = (kind: string) => all.find((m) => m.kind === kind)!;
    const cronJob = byKind("CronJob");
    expect(cronJob.spec.concurrencyPolicy).toBe("Forbid");
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    const volumes = new Map<string, Manifest>(pod.volumes.map((v: Manifest) => [v.name, v]));
    const mounts = new Map<string, string>(
      pod.containers[0].volumeMounts.map((m: Manifest) => [m.name, m.mountPath]),
    );
    for (const name of mounts.keys()) expect(volumes.has(name), `volume ${name}`).toBe(true);
    expect(volumes.get("config")!.configMap.name).toBe(byKind("ConfigMap").metadata.name);
    expect(volumes.get("credentials")!.secret.secretName).toBe(byKind("Secret").metadata.name);
    expect(volumes.get("data")!.persistentVolumeClaim.claimName).toBe(
      byKind("PersistentVolumeClaim").metadata.name,
    );
    // The image's entrypoint reads /config/cairn.config.yaml.
    expect(mounts.get("config")).toBe("/config");
    expect(Object.keys(byKind("ConfigMap").data)).toEqual(["cairn.config.yaml"]);
    expect(Object.keys(byKind("Secret").stringData)).toEqual(["gcs-key.json"]);
  });

  it("the ConfigMap's cairn.config.yaml is a valid cairn config whose paths are the pod's mounts", async () => {
    const all = await manifests();
    const text = all.find((m) => m.kind === "ConfigMap")!.data["cairn.config.yaml"] as string;
    const config = await parseConfig(text, "/config/cairn.config.yaml", createRegistry());
    expect(config.host).toBe("app-data-k8s");
    const pod = all.find((m) => m.kind === "CronJob")!.spec.jobTemplate.spec.template.spec;
    const mounts = new Map<string, string>(
      pod.containers[0].volumeMounts.map((m: Manifest) => [m.name, m.mountPath]),
    );
    const raw = YAML.parse(text);
    expect(raw.destinations.cloud.keyFile.startsWith(`${mounts.get("credentials")}/`)).toBe(true);
    expect(raw.jobs["app-data"].source.path).toBe(mounts.get("data"));
  });
});
