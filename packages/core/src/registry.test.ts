import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CairnError } from "./errors.js";
import { PluginRegistry } from "./registry.js";

/** Writes a package into node_modules the way npm would, exporting only the `import` condition. */
async function installFake(root: string, name: string, body: string): Promise<void> {
  const dir = join(root, "node_modules", ...name.split("/"));
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name, type: "module", exports: { ".": { import: "./index.js" } } }),
  );
  await writeFile(join(dir, "index.js"), body);
}

const pluginSource = (apiVersion: number) => `
const options = { safeParse: (v) => ({ success: true, data: v }) };
export default {
  [Symbol.for("cairn.plugin")]: true,
  kind: "destination",
  type: "webdav",
  apiVersion: ${apiVersion},
  options,
  capabilities: { delete: true, freeSpace: false },
  create() { throw new Error("not used"); },
};
`;

describe("PluginRegistry", () => {
  let project: string;
  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), "cairn-plugins-"));
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it("loads a third-party destination by package name from the config's folder", async () => {
    await installFake(project, "@acme/cairn-destination-webdav", pluginSource(1));
    const registry = new PluginRegistry();
    const plugin = await registry.destination("@acme/cairn-destination-webdav", join(project, "sub", "dir"));
    expect(plugin).toMatchObject({ type: "webdav", kind: "destination" });
  });

  it("refuses a plugin built for another plugin API version, naming both", async () => {
    await installFake(project, "cairn-destination-old", pluginSource(7));
    const loading = new PluginRegistry().destination("cairn-destination-old", project);
    await expect(loading).rejects.toSatisfy((e) => CairnError.is(e, "PLUGIN_INVALID"));
    await expect(loading).rejects.toThrow(/version 7.*version 1/);
  });

  it("says what to install when the package is missing", async () => {
    const loading = new PluginRegistry().destination("@acme/cairn-destination-nope", project);
    await expect(loading).rejects.toSatisfy((e) => CairnError.is(e, "PLUGIN_NOT_FOUND"));
    await expect(loading).rejects.toSatisfy((e) =>
      (e as CairnError).hint!.includes("npm install @acme/cairn-destination-nope"),
    );
  });

  it("refuses a package whose default export is not a plugin", async () => {
    await installFake(project, "cairn-destination-bogus", "export default { type: 'bogus' };");
    await expect(new PluginRegistry().destination("cairn-destination-bogus", project)).rejects.toThrow(
      /does not export a cairn plugin/,
    );
  });
});
