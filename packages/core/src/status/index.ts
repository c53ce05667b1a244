export {
  type FleetDestinationStatus,
  type FleetStatusOptions,
  fleetStatus,
  type HostStatus,
} from "./fleet-status.js";
export { type DestinationStatus, type JobStatus, jobStatus } from "./job-status.js";
export type { RunRecord } from "./run-record.js";
