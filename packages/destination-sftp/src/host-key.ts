import { readFileSync } from "node:fs";
import { CairnError } from "@cairn/core";
import { fingerprint, keyType, sameFingerprint } from "./fingerprint.js";
import { checkKnownHosts } from "./known-hosts.js";

export interface HostKeyPolicy {
  host: string;
  port: number;
  /** Pinned fingerprints; when set, known_hosts is not read. */
  pinned: string[] | undefined;
  /** Absolute path of the known_hosts file. */
  knownHostsPath: string;
}

/**
 * ssh2 accepts any host key unless a hostVerifier is set, so every connection gets one.
 * The verifier can only answer yes or no; it keeps the reason so the connection error
 * can say which key was offered and what to do about it.
 */
export class HostKeyGuard {
  /** Why the last offered key was refused, as a CairnError ready to throw. */
  rejection: CairnError | undefined;

  constructor(private readonly policy: HostKeyPolicy) {}

  readonly verify = (key: Buffer): boolean => {
    this.rejection = this.check(key);
    return this.rejection === undefined;
  };

  private check(key: Buffer): CairnError | undefined {
    const offered = fingerprint(key);
    const type = keyType(key);
    const where = this.policy.port === 22 ? this.policy.host : `${this.policy.host}:${this.policy.port}`;
    if (this.policy.pinned) {
      if (this.policy.pinned.some((pin) => sameFingerprint(pin, offered))) return undefined;
      return changedKey(where, this.policy.pinned.join(" or "), offered, "the hostKey option");
    }
    let text: string;
    try {
      text = readFileSync(this.policy.knownHostsPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        return new CairnError(
          "DESTINATION_AUTH",
          `sftp: cannot read known_hosts file ${this.policy.knownHostsPath}`,
          {
            cause: error,
            hint: "make the file readable, or pin the server's key with the hostKey option",
          },
        );
      }
      text = "";
    }
    const verdict = checkKnownHosts(text, this.policy.host, this.policy.port, key, type);
    switch (verdict.kind) {
      case "match":
        return undefined;
      case "revoked":
        return new CairnError(
          "DESTINATION_AUTH",
          `sftp: the host key of ${where} (${offered}) is marked @revoked in ${this.policy.knownHostsPath}; refusing to connect`,
          { hint: "ask the server's administrator for its current key" },
        );
      case "changed":
        return changedKey(
          where,
          verdict.expected.map((k) => fingerprint(k)).join(" or "),
          offered,
          this.policy.knownHostsPath,
        );
      case "unknown":
        return new CairnError(
          "DESTINATION_AUTH",
          `sftp: the host key of ${where} is not known: the server offered ${type} ${offered}, and neither the hostKey option nor ${this.policy.knownHostsPath} lists it`,
          {
            hint: `check the fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); if it matches, add to this destination's options: hostKey: "${offered}"`,
          },
        );
    }
  }
}

function changedKey(where: string, expected: string, offered: string, source: string): CairnError {
  return new CairnError(
    "DESTINATION_AUTH",
    `sftp: HOST KEY CHANGED for ${where}: expected ${expected} (from ${source}), the server offered ${offered}. Someone may be intercepting the connection, or the server was reinstalled; refusing to connect`,
    {
      hint: `confirm the new key with the server's administrator (ssh-keygen -lf on the server), then replace the old fingerprint with hostKey: "${offered}" or update ${source}`,
    },
  );
}
