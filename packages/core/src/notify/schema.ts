import { z } from "zod";

const events = z.array(z.enum(["success", "failure"])).min(1);

/** POSTs the run's result as JSON. */
export const webhookNotifierSchema = z.strictObject({
  type: z.literal("webhook"),
  url: z.url({ protocol: /^https?$/ }),
  /** Extra headers, e.g. an Authorization header from `${env:...}`. */
  headers: z.record(z.string(), z.string()).optional(),
  /** Which outcomes to send; both by default. */
  on: events.optional(),
});

/**
 * A healthchecks-style ping: GET `<url>/start` when a run begins, `<url>` on success and
 * `<url>/fail` on failure (healthchecks.io's convention), or explicit URLs for each.
 */
export const pingNotifierSchema = z.strictObject({
  type: z.literal("ping"),
  url: z.url({ protocol: /^https?$/ }).optional(),
  start: z.url({ protocol: /^https?$/ }).optional(),
  success: z.url({ protocol: /^https?$/ }).optional(),
  failure: z.url({ protocol: /^https?$/ }).optional(),
});

/** Runs a shell command with the result in its environment and as JSON on its standard input. */
export const commandNotifierSchema = z.strictObject({
  type: z.literal("command"),
  command: z.string().min(1),
  on: events.optional(),
});

export const notifierSchema = z.discriminatedUnion("type", [
  webhookNotifierSchema,
  pingNotifierSchema,
  commandNotifierSchema,
]);

export const notifySchema = z.array(notifierSchema);

export type NotifierConfig = z.infer<typeof notifierSchema>;
export type WebhookNotifier = z.infer<typeof webhookNotifierSchema>;
export type PingNotifier = z.infer<typeof pingNotifierSchema>;
export type CommandNotifier = z.infer<typeof commandNotifierSchema>;
