import { postgresSource } from "./postgres-source.js";

export default postgresSource;
export type { PostgresSourceOptions } from "./postgres-options.js";
export { postgresSourceOptions } from "./postgres-options.js";
export { createPostgresSource, postgresSource } from "./postgres-source.js";
