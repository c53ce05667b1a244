import { CairnError } from "@cairn/core";
import type { Client } from "ssh2";

/** Quotes a path for a POSIX shell: inside single quotes only the quote itself needs care. */
export function shellQuote(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

/**
 * SHA-256 of a file on the server through `sha256sum`, run over an SSH exec channel.
 * Catches what a size check cannot: bytes changed on the way to or on the server's disk.
 * Needs a shell account; SFTP-only accounts (ForceCommand internal-sftp) cannot run it.
 */
export function remoteSha256(ssh: Client, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (detail: string, cause?: unknown) =>
      reject(
        new CairnError(
          "DESTINATION_IO",
          `sftp: could not compute the SHA-256 of ${path} on the server: ${detail}`,
          {
            cause,
            hint: "the account needs a shell with sha256sum (GNU coreutils); for an SFTP-only account turn remoteChecksum off",
          },
        ),
      );
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    ssh.exec(`sha256sum -b -- ${shellQuote(path)}`, (error, channel) => {
      if (error) {
        clearTimeout(timer);
        fail(error.message, error);
        return;
      }
      let stdout = "";
      let stderr = "";
      channel.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      channel.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      channel.on("close", (code: number | null) => {
        clearTimeout(timer);
        const digest = /^\\?([0-9a-f]{64})\s/.exec(stdout)?.[1];
        if (code === 0 && digest) resolve(digest);
        else fail(`sha256sum exited with ${code}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ""}`);
      });
    });
  });
}
