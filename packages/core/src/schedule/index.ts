export { type Scheduler, type SchedulerOptions, startScheduler } from "./scheduler.js";
export {
  crontabLines,
  launchdPlist,
  type ServiceCommand,
  systemdUnits,
  toOnCalendar,
  windowsTaskXml,
} from "./service-files.js";
