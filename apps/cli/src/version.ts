import { readFileSync } from "node:fs";

/** The CLI's own version, written into every manifest as the engine version. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
