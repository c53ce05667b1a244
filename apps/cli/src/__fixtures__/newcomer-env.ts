import { delimiter } from "node:path";

/** What vitest (through vite) sets in the process it runs tests in. */
const VITE_VARIABLES = new Set(["BASE_URL", "MODE", "DEV", "PROD", "SSR", "TEST", "FORCE_TTY", "NODE"]);

/**
 * The environment of someone who types the command into a fresh shell: the machine's PATH without
 * this checkout's node_modules/.bin (which `npm test` put first) plus `extraPath` in front, and none
 * of the npm, turbo, vitest and Node variables of the run that started the test.
 */
export function newcomerEnv(extra: NodeJS.ProcessEnv = {}, extraPath: string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|NPM_|TURBO_|NODE_OPTIONS$|NODE_ENV$|NODE_PATH$|VITEST|INIT_CWD$)/.test(name) && !VITE_VARIABLES.has(name)) env[name] = value;
  }
  const path = (process.env.PATH ?? "").split(delimiter).filter((dir) => !dir.includes("node_modules"));
  return { ...env, PATH: [...extraPath, ...path].join(delimiter), NO_COLOR: "1", ...extra };
}
