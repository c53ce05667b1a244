import { mysqlSource } from "./mysql-source.js";

export default mysqlSource;
export type { MysqlSourceOptions } from "./mysql-options.js";
export { mysqlSourceOptions } from "./mysql-options.js";
export { createMysqlSource, mysqlSource } from "./mysql-source.js";
