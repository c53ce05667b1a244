import type { Command } from "commander";
import { EXIT, type ExitCode } from "../exit-codes.js";
import type { Session } from "../session.js";
import type { Runner } from "./runner.js";

export function registerAuth(program: Command, run: Runner): void {
  const auth = program.command("auth").description("get credentials for a destination");
  auth
    .command("dropbox")
    .description(
      "link a Dropbox app: prints a URL, reads the code Dropbox shows, prints the refresh token and config lines",
    )
    .requiredOption("--app-key <key>", "the app key from the Dropbox App Console")
    .addHelpText(
      "after",
      `
Uses the OAuth code flow with PKCE, so no app secret is needed. Keep the printed refresh token
out of the config file itself: put it in an environment variable or a file and refer to it as
\${env:DROPBOX_REFRESH_TOKEN} or \${file:...}.`,
    )
    .action(run((session, options: { appKey: string }) => dropbox(session, options.appKey)));
}

async function dropbox(session: Session, appKey: string): Promise<ExitCode> {
  const baseUrl = session.io.env.CAIRN_DROPBOX_API_BASE_URL;
  const { dropboxAuthFlow } = await import("@cairn/destination-dropbox");
  await dropboxAuthFlow({
    appKey,
    input: session.io.stdin ?? process.stdin,
    output: session.io.stdout,
    ...(baseUrl ? { apiBaseUrl: baseUrl } : {}),
  });
  return EXIT.ok;
}
