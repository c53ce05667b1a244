export { type DeliveryOptions, notifyFinish, notifyStart } from "./deliver.js";
export { buildReport, overallStatus, type RunReport, type RunStatus } from "./payload.js";
export { type NotifierConfig, notifierSchema, notifySchema } from "./schema.js";
