export { crontabLines } from "./crontab.js";
export { launchdPlist } from "./launchd.js";
export { type Scheduler, type SchedulerOptions, startScheduler } from "./scheduler.js";
export { type ServiceCommand, serviceName, taskName } from "./service-command.js";
export { systemdUnits } from "./systemd.js";
export { windowsTaskXml } from "./windows-task.js";
