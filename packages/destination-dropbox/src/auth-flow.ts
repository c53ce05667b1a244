import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { CairnError } from "@cairn/core";
import { DropboxAuth } from "dropbox";
import { fetchFor } from "./client.js";
import { oauthError } from "./errors.js";

export interface DropboxAuthFlowOptions {
  /** The app key from the Dropbox App Console. */
  appKey: string;
  /** Where the person types the code (stdin for the CLI). */
  input: Readable;
  /** Where the instructions and the result go (stdout for the CLI). */
  output: Writable;
  /** For tests: the base URL of an emulator that stands in for every Dropbox host. */
  apiBaseUrl?: string;
}

export interface DropboxAuthFlowResult {
  refreshToken: string;
  /** The lines to paste under `destinations:` in cairn.config.yaml. */
  configLines: string;
}

/**
 * `cairn auth dropbox --app-key KEY`: the OAuth code flow with PKCE, so no app secret is
 * needed on the machine. Prints the URL to open, reads the code Dropbox shows after
 * "Allow", exchanges it for a refresh token and prints the config to paste.
 */
export async function dropboxAuthFlow(options: DropboxAuthFlowOptions): Promise<DropboxAuthFlowResult> {
  const auth = new DropboxAuth({ clientId: options.appKey, fetch: fetchFor(options.apiBaseUrl) });
  // No redirect URI: Dropbox shows the code on its page. `offline` asks for a refresh token.
  const url = String(
    await auth.getAuthenticationUrl("", undefined, "code", "offline", undefined, "none", true),
  );
  const out = options.output;
  out.write(
    `1. Open this address in a browser and sign in to the Dropbox account for backups:\n\n   ${url}\n\n`,
  );
  out.write(`2. Click "Allow", then copy the code Dropbox shows.\n`);
  const rl = createInterface({ input: options.input, output: out, terminal: false });
  let code: string;
  try {
    code = (await rl.question("3. Paste the code here: ")).trim();
  } finally {
    rl.close();
  }
  if (code === "") {
    throw new CairnError("USAGE", "no authorization code was entered", {
      hint: "run `cairn auth dropbox` again and paste the code Dropbox shows",
    });
  }
  let refreshToken: unknown;
  try {
    const response = await auth.getAccessTokenFromCode("", encodeURIComponent(code));
    refreshToken = (response.result as { refresh_token?: unknown }).refresh_token;
  } catch (error) {
    const reason = oauthError(error);
    throw new CairnError(
      "DESTINATION_AUTH",
      reason === "invalid_grant"
        ? "Dropbox did not accept the code: it was mistyped, already used or has expired"
        : `Dropbox refused to link the app${reason ? ` (${reason})` : ""}`,
      {
        hint: "run `cairn auth dropbox` again and paste the new code within a few minutes",
        cause: reason ? undefined : error,
      },
    );
  }
  if (typeof refreshToken !== "string") {
    throw new CairnError("DESTINATION_AUTH", "Dropbox linked the app but gave no refresh token", {
      hint: "check the app's settings in the Dropbox App Console, then run `cairn auth dropbox` again",
    });
  }
  const configLines = [
    "destinations:",
    "  dropbox:",
    "    type: dropbox",
    `    appKey: ${options.appKey}`,
    '    refreshToken: "${env:DROPBOX_REFRESH_TOKEN}"',
    "    path: /backups",
  ].join("\n");
  out.write(
    `\nLinked. The refresh token (keep it secret, e.g. in the DROPBOX_REFRESH_TOKEN environment variable):\n\n   ${refreshToken}\n\nAdd this to cairn.config.yaml:\n\n${configLines}\n`,
  );
  return { refreshToken, configLines };
}
