import { type PluginContext, SecretSet, silentLogger } from "@cairn/core";

/** What core hands a plugin's create(), for calling it directly in a test: quiet, in this folder. */
export function pluginContext(overrides: Partial<PluginContext> = {}): PluginContext {
  return {
    logger: silentLogger,
    baseDir: process.cwd(),
    name: "test",
    secrets: new SecretSet(),
    ...overrides,
  };
}
