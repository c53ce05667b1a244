import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CairnError } from "@cairn/core";
import { IdempotencyStrategy, Storage, type StorageOptions } from "@google-cloud/storage";
import { JWT } from "google-auth-library";

const SCOPES = ["https://www.googleapis.com/auth/devstorage.full_control"];

import type { GcsOptions } from "./options.js";

export interface GcsClient {
  storage: Storage;
  /**
   * Whether resumable-upload requests carry credentials. The SDK sends none to an endpoint
   * outside googleapis.com whatever the options say, so cancelling a session must not either.
   */
  uploadsAuthenticated: boolean;
}

/**
 * The SDK client for these options. Credentials: `credentials`, else `keyFile`, else
 * Application Default Credentials. With a custom `apiEndpoint` the SDK sends no credentials
 * unless told to: cairn tells it to when keys are given or the endpoint is Google's own
 * (a private `*.googleapis.com` endpoint), and not for an emulator.
 */
export function createClient(options: GcsOptions, baseDir: string): GcsClient {
  const config: StorageOptions = {
    retryOptions: {
      autoRetry: options.maxRetries > 0,
      maxRetries: options.maxRetries,
      retryDelayMultiplier: 2,
      maxRetryDelay: 32,
      totalTimeout: 600,
      // Every call cairn makes is safe to repeat: uploads carry ifGenerationMatch=0,
      // a repeated delete finds 404 (which counts as done), reads change nothing.
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    },
  };
  if (options.projectId) config.projectId = options.projectId;
  const key = options.credentials
    ? parseCredentials(options.credentials)
    : options.keyFile
      ? readKeyFile(resolve(baseDir, options.keyFile))
      : undefined;
  if (key) applyKey(config, key);
  let uploadsAuthenticated = true;
  if (options.apiEndpoint) {
    config.apiEndpoint = options.apiEndpoint.replace(/\/+$/, "");
    const googleHost = new URL(options.apiEndpoint).hostname.endsWith(".googleapis.com");
    config.useAuthWithCustomEndpoint = googleHost || Boolean(options.keyFile || options.credentials);
    uploadsAuthenticated = googleHost;
  }
  return { storage: new Storage(config), uploadsAuthenticated };
}

/**
 * A service account key becomes a JWT client built here: the SDK's own `credentials` and
 * `keyFilename` options still work but print a deprecation warning on every run.
 */
function applyKey(config: StorageOptions, key: Record<string, unknown>): void {
  if (
    key.type === "service_account" &&
    typeof key.client_email === "string" &&
    typeof key.private_key === "string"
  ) {
    config.authClient = new JWT({
      email: key.client_email,
      key: key.private_key,
      ...(typeof key.private_key_id === "string" ? { keyId: key.private_key_id } : {}),
      scopes: SCOPES,
    });
    if (!config.projectId && typeof key.project_id === "string") config.projectId = key.project_id;
    return;
  }
  // Other key types (authorized_user, external_account): let the library pick the client.
  config.credentials = key;
}

function readKeyFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CairnError("DESTINATION_AUTH", `the GCS key file ${path} could not be read`, {
      cause: error,
      hint: "check `keyFile` (a relative path starts at the config file's folder), or remove it to use Application Default Credentials",
    });
  }
  return parseCredentials(text, "keyFile");
}

function parseCredentials(
  value: string | Record<string, unknown>,
  option = "credentials",
): Record<string, unknown> {
  if (typeof value !== "string") return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null) return parsed as Record<string, unknown>;
  } catch {
    // The text itself is a secret: the error below must not quote it.
  }
  throw new CairnError(
    "CONFIG_INVALID",
    `the GCS \`${option}\` option does not hold a JSON service account key`,
    {
      hint: "pass the key file's content (e.g. `${file:key.json}`) or use `keyFile` with its path",
    },
  );
}
