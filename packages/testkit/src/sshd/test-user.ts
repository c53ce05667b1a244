import { execFile } from "node:child_process";
import { userInfo } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The account the harness creates when it runs as root (see ensureTestUser). */
export const TEST_USER = "cairn-sftp-test";
/** The test account's password: it only ever logs in to a harness sshd on 127.0.0.1. */
export const TEST_PASSWORD = "cairn-test-password";

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  /** Undefined when the harness cannot set a password (not running as root). */
  password: string | undefined;
}

/**
 * Root gets a dedicated unprivileged account, because root ignores file permissions and
 * a permission-denied test would pass for the wrong reason; it also makes password
 * authentication testable. Anyone else logs in as themselves with keys only.
 */
export async function ensureTestUser(): Promise<TestUser> {
  const me = userInfo();
  if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid, password: undefined };
  // Test files start harnesses in parallel: /etc/passwd and /etc/shadow may be locked for a moment.
  await retry(async () => {
    try {
      await run("id", ["-u", TEST_USER]);
    } catch {
      try {
        await run("useradd", ["--no-create-home", "--home-dir", "/tmp", "--shell", "/bin/sh", TEST_USER]);
      } catch (error) {
        // Another harness created it first.
        if (!String((error as { stderr?: unknown }).stderr).includes("already exists")) throw error;
      }
    }
  });
  // Always set: useradd leaves the account locked ("!" in /etc/shadow), and sshd without PAM
  // refuses every login to a locked account, keys included.
  await retry(() => chpasswd(`${TEST_USER}:${TEST_PASSWORD}`));
  const uid = Number((await run("id", ["-u", TEST_USER])).stdout.trim());
  const gid = Number((await run("id", ["-g", TEST_USER])).stdout.trim());
  return { name: TEST_USER, uid, gid, password: TEST_PASSWORD };
}

async function retry(action: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

function chpasswd(line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile("chpasswd", (error) => (error ? reject(error) : resolve()));
    child.stdin?.end(`${line}\n`);
  });
}
