import { z } from "zod";
import type { PluginRegistry } from "../registry.js";
import { configSchema, destinationCoreKeys, jobConfigSchema, pluginEntrySchema } from "./schema.js";

/**
 * The config file's JSON Schema, with each known plugin's options under its `type`, so editors
 * complete and check `cairn.config.yaml` (point the YAML language server at it).
 */
export function configJsonSchema(registry: PluginRegistry): Record<string, unknown> {
  const variants = (plugins: { type: string; options: z.ZodType }[], coreKeys: z.ZodRawShape = {}) => {
    const typed = plugins.map((plugin) =>
      plugin.options instanceof z.ZodObject
        ? plugin.options.extend({ type: z.literal(plugin.type), ...coreKeys })
        : pluginEntrySchema.extend({ type: z.literal(plugin.type), ...coreKeys }),
    );
    const [first, ...rest] = [...typed, pluginEntrySchema];
    return rest.length > 0 ? z.union([first!, ...rest]) : first!;
  };
  const schema = configSchema.extend({
    destinations: z.record(z.string(), variants(registry.destinationTypes, destinationCoreKeys)),
    jobs: z.record(z.string(), jobConfigSchema.extend({ source: variants(registry.sourceTypes) })),
  });
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "cairn config",
    ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  };
}
