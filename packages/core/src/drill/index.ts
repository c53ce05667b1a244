export type { LiveComparison } from "./compare-live.js";
export { type DrillBackupOptions, type DrillCheck, drillBackup } from "./drill-backup.js";
export { type DrillStatus, type DrillSummary, drillStatus } from "./drill-status.js";
export { type DrillReport, notifyDrill } from "./notify-drill.js";
export { type BackupChoice, type PickedBackup, pickBackup } from "./pick-backup.js";
export { type DrillRecord, readDrillRecord, writeDrillRecord } from "./record.js";
export { type DrillResult, type DrillRunOptions, runDrill } from "./run-drill.js";
export { cryptoRandomInt, type RandomInt, samplePositions } from "./sample.js";
export { type DrillConfig, type DrillConfigData, drillConfigSchema } from "./schema.js";
