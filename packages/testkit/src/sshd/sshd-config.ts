export interface SshdConfigInput {
  port: number;
  hostKeyPath: string;
  authorizedKeysPath: string;
  pidFile: string;
  username: string;
  passwordAuthentication: boolean;
  rekeyLimit?: string | undefined;
  deniedSftpRequests?: string[] | undefined;
}

/** A minimal sshd_config: loopback only, one user, SFTP served in-process by internal-sftp. */
export function renderSshdConfig(input: SshdConfigInput): string {
  return [
    `Port ${input.port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${input.hostKeyPath}`,
    `PidFile ${input.pidFile}`,
    `AuthorizedKeysFile ${input.authorizedKeysPath}`,
    // The test folders live in /tmp, whose modes StrictModes would reject.
    "StrictModes no",
    "UsePAM no",
    `PasswordAuthentication ${input.passwordAuthentication ? "yes" : "no"}`,
    "KbdInteractiveAuthentication no",
    "PermitRootLogin yes",
    `AllowUsers ${input.username}`,
    `Subsystem sftp internal-sftp${input.deniedSftpRequests?.length ? ` -P ${input.deniedSftpRequests.join(",")}` : ""}`,
    // Many short test connections at once must not be throttled.
    "MaxStartups 100:30:200",
    "LogLevel ERROR",
    ...(input.rekeyLimit ? [`RekeyLimit ${input.rekeyLimit}`] : []),
    "",
  ].join("\n");
}
