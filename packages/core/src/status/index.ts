export { type DestinationStatus, type JobStatus, jobStatus } from "./job-status.js";
export { type RunRecord, readRunRecord, writeRunRecord } from "./run-record.js";
export { longestInterval, parseSchedule } from "./schedule.js";
