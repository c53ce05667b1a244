import { sqliteSource } from "./sqlite-source.js";

export default sqliteSource;
export type { SqliteSourceOptions } from "./sqlite-options.js";
export { sqliteSourceOptions } from "./sqlite-options.js";
export { createSqliteSource, sqliteSource } from "./sqlite-source.js";
