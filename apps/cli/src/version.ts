import { readFileSync } from "node:fs";

/** Set by the single executable's bundle, which has no package.json beside it (scripts/package.mjs). */
declare const CAIRN_BUNDLED_VERSION: string | undefined;

/** The CLI's own version, written into every manifest as the engine version. */
export const VERSION: string =
  typeof CAIRN_BUNDLED_VERSION === "string"
    ? CAIRN_BUNDLED_VERSION
    : (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
        .version;
