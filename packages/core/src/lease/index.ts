export {
  contentVersion,
  describeHolder,
  encodeLease,
  type LeaseRecord,
  leaseRecordSchema,
  parseLease,
} from "./lease-record.js";
export { pruneUnderLease } from "./prune-under-lease.js";
export {
  canLease,
  DEFAULT_LOCK_EXPIRY_MS,
  DEFAULT_LOCK_WAIT_MS,
  type HeldLease,
  type LeaseOptions,
  takeLease,
} from "./take-lease.js";
