import { CairnError, isNetworkError, toDestinationError } from "@cairn/core";

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02), as ssh2 puts them on `error.code`. */
export const SFTP_STATUS = {
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** True when the connection itself failed, so the same call may succeed on a new one. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; level?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== "object") return false;
  // Already mapped inside an action: still a dropped connection.
  if (CairnError.is(error)) return error.code === "DESTINATION_UNAVAILABLE" && error.retryable;
  if (isNetworkError(error)) return true;
  // What only SSH and SFTP say: the channel's status codes, ssh2's levels and messages.
  if (e.code === SFTP_STATUS.NO_CONNECTION || e.code === SFTP_STATUS.CONNECTION_LOST) return true;
  if (e.level === "client-socket" || e.level === "client-timeout") return true;
  return /no response from server|not connected|channel (?:closed|is not open)|connection (?:lost|closed)|keepalive timeout/i.test(
    String(e.message),
  );
}

/** Maps an error from one SFTP request on `path` to cairn's codes. */
export function mapSftpError(error: unknown, action: string, path: string): CairnError {
  if (CairnError.is(error)) return error;
  const e = error as { code?: unknown; message?: unknown };
  const detail = typeof e?.message === "string" ? e.message : String(error);
  if (isConnectionError(error)) {
    return new CairnError(
      "DESTINATION_UNAVAILABLE",
      `sftp: the connection was lost while trying to ${action} ${path}: ${detail}`,
      {
        cause: error,
        retryable: true,
        hint: "check the network and that the server is up; the next run retries",
      },
    );
  }
  switch (e?.code) {
    case SFTP_STATUS.NO_SUCH_FILE:
      return new CairnError(
        "DESTINATION_NOT_FOUND",
        `sftp: cannot ${action} ${path}: no such file or folder on the server`,
        {
          cause: error,
          hint: "check the destination's path option",
        },
      );
    case SFTP_STATUS.PERMISSION_DENIED:
      return new CairnError("DESTINATION_PERMISSION", `sftp: permission denied to ${action} ${path}`, {
        cause: error,
        hint: "give the SSH user write access to the destination's folder, or choose a folder it owns",
      });
    case SFTP_STATUS.OP_UNSUPPORTED:
      return new CairnError(
        "DESTINATION_IO",
        `sftp: the server does not support the request to ${action} ${path}`,
        {
          cause: error,
        },
      );
    default:
      return toDestinationError(error, `sftp: cannot ${action} ${path}: ${detail}`);
  }
}

/** Maps a failure to connect or log in. `hostKeyRejection` is the reason our host key check gave, if it refused. */
export function mapConnectError(
  error: unknown,
  where: string,
  hostKeyRejection: CairnError | undefined,
): CairnError {
  if (hostKeyRejection) return hostKeyRejection;
  if (CairnError.is(error)) return error;
  const e = error as { level?: unknown; code?: unknown; message?: unknown };
  const detail = typeof e?.message === "string" ? e.message : String(error);
  if (e?.level === "client-authentication" || /authentication methods failed/i.test(detail)) {
    return new CairnError("DESTINATION_AUTH", `sftp: ${where} refused the login (${detail})`, {
      cause: error,
      hint: "check username, and that the private key's public half is in the user's authorized_keys (or the password)",
    });
  }
  if (/encrypted private key|passphrase|cannot parse privatekey|unsupported key format/i.test(detail)) {
    return new CairnError("CONFIG_INVALID", `sftp: the private key for ${where} cannot be used: ${detail}`, {
      cause: error,
      hint: "set passphrase for an encrypted key, and give an OpenSSH or PEM private key",
    });
  }
  if (e?.level === "client-timeout" || /timed out/i.test(detail)) {
    return new CairnError("DESTINATION_UNAVAILABLE", `sftp: ${where} did not answer in time (${detail})`, {
      cause: error,
      retryable: true,
      hint: "check that the host and port are right and reachable; raise timeoutSeconds on a slow link",
    });
  }
  if (isConnectionError(error)) {
    return new CairnError("DESTINATION_UNAVAILABLE", `sftp: cannot connect to ${where}: ${detail}`, {
      cause: error,
      retryable: true,
      hint: "check the host, the port and that the SSH server is running",
    });
  }
  return new CairnError(
    "DESTINATION_UNAVAILABLE",
    `sftp: cannot open an SFTP session on ${where}: ${detail}`,
    {
      cause: error,
      hint: "check that the server allows the SFTP subsystem for this user",
    },
  );
}
