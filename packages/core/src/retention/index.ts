export type { Period } from "./buckets.js";
export { type CalendarDuration, formatDuration } from "./duration.js";
export {
  describeGroup,
  type GroupBy,
  inGroup,
  type RetentionGroup,
  retentionGroup,
  sameHost,
} from "./group.js";
export {
  type PlanItem,
  planRetention,
  type RetentionCandidate,
  type RetentionPlan,
  type RetentionPlanOptions,
} from "./plan.js";
export { type RetentionCount, type RetentionPolicy, retentionPolicySchema } from "./policy.js";
export { formatBytes, parseSize } from "./size.js";
