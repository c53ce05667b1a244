export { type DestinationStatus, type JobStatus, jobStatus } from "./job-status.js";
export type { RunRecord } from "./run-record.js";
