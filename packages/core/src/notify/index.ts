export type { RunReport, RunStatus } from "./payload.js";
export { type NotifierConfig, notifierSchema, notifySchema } from "./schema.js";
