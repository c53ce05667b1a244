import { z } from "zod";

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

export const sftpOptions = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1),
    /** Folder on the server that holds the backups; relative paths start at the login folder. */
    path: z.string().min(1),
    /**
     * The private key: its text (e.g. `"${file:~/.ssh/id_ed25519}"`) or the path of the key
     * file (`~` and paths relative to the config file work). Text is recognised by its
     * `-----BEGIN` line.
     */
    privateKey: z.string().min(1).optional(),
    /** Passphrase of an encrypted private key. */
    passphrase: z.string().optional(),
    password: z.string().optional(),
    /** Authenticate with a running ssh-agent: `true` uses SSH_AUTH_SOCK, a string is the socket path. */
    agent: z.union([z.boolean(), z.string().min(1)]).optional(),
    /**
     * The server's host key fingerprint as OpenSSH prints it (`SHA256:...`), or several
     * during a key rotation. Takes precedence over `knownHosts`.
     */
    hostKey: z
      .union([z.string().regex(FINGERPRINT), z.array(z.string().regex(FINGERPRINT)).min(1)])
      .optional()
      .describe("fingerprint like SHA256:AbC... (from `ssh-keygen -lf <host key>.pub`)"),
    /** known_hosts file to check the host key against when no `hostKey` is given; `~/.ssh/known_hosts` by default. */
    knownHosts: z.string().min(1).optional(),
    /** Seconds to wait for the connection and for the server to answer a keepalive; 30 by default. */
    timeoutSeconds: z.number().positive().default(30),
    /** Seconds between keepalives on an idle connection, so NATs and firewalls keep it open; 15 by default. */
    keepaliveSeconds: z.number().positive().default(15),
    /**
     * Write requests in flight during an upload at most (and reads during a download). One at a
     * time is bound by the round trip (a 20 ms link caps it near 1.6 MiB/s). Uploads keep as many
     * 128 KiB writes going as the server's channel window holds, and two more (18 with OpenSSH's
     * 2 MiB window); downloads keep this many reads going.
     */
    writesInFlight: z.number().int().min(1).max(256).default(64),
    /**
     * After each upload, run `sha256sum` on the server and compare it with what was sent.
     * Needs a shell account (not ForceCommand internal-sftp); off by default, the size is always checked.
     */
    remoteChecksum: z.boolean().default(false),
  })
  .refine((o) => o.privateKey !== undefined || o.password !== undefined || o.agent !== undefined, {
    message: "set one way to log in: privateKey, password or agent",
  });

export type SftpOptions = z.output<typeof sftpOptions>;
