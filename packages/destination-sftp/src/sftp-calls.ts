import { posix } from "node:path";
import type { OpenMode, SFTPWrapper, Stats } from "ssh2";
import { SFTP_STATUS } from "./errors.js";

/** ssh2's callback API as promises, keeping its errors (and their SFTP status codes) intact. */
function call<T>(start: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      start((error, value) => (error ? reject(error) : resolve(value as T)));
    } catch (error) {
      // ssh2 throws synchronously when the channel is already gone.
      reject(error);
    }
  });
}

export const stat = (sftp: SFTPWrapper, path: string) => call<Stats>((done) => sftp.stat(path, done));

/** stat, with a missing file as undefined. */
export async function statIfExists(sftp: SFTPWrapper, path: string): Promise<Stats | undefined> {
  try {
    return await stat(sftp, path);
  } catch (error) {
    if ((error as { code?: unknown }).code === SFTP_STATUS.NO_SUCH_FILE) return undefined;
    throw error;
  }
}

export const open = (sftp: SFTPWrapper, path: string, flags: OpenMode) =>
  call<Buffer>((done) => sftp.open(path, flags, done));

export const closeHandle = (sftp: SFTPWrapper, handle: Buffer) =>
  call<void>((done) => sftp.close(handle, done));

export const write = (sftp: SFTPWrapper, handle: Buffer, data: Buffer, position: number) =>
  call<void>((done) => sftp.write(handle, data, 0, data.length, position, (error) => done(error)));

export const readFile = (sftp: SFTPWrapper, path: string) =>
  call<Buffer>((done) => sftp.readFile(path, (error: Error | undefined, data: Buffer) => done(error, data)));

export const unlink = (sftp: SFTPWrapper, path: string) => call<void>((done) => sftp.unlink(path, done));

export const rename = (sftp: SFTPWrapper, from: string, to: string) =>
  call<void>((done) => sftp.rename(from, to, done));

export const posixRename = (sftp: SFTPWrapper, from: string, to: string) =>
  call<void>((done) => sftp.ext_openssh_rename(from, to, done));

export const readdir = (sftp: SFTPWrapper, path: string) =>
  call<{ filename: string; attrs: Stats }[]>((done) => sftp.readdir(path, done));

export interface FsStats {
  f_bsize: number;
  f_frsize: number;
  f_bavail: number;
}

export const statvfs = (sftp: SFTPWrapper, path: string) =>
  call<FsStats>((done) =>
    sftp.ext_openssh_statvfs(path, done as (error: Error | undefined, value: unknown) => void),
  );

/** Whether the server announced an OpenSSH extension (`posix-rename@openssh.com`, `statvfs@openssh.com`). */
export function hasExtension(sftp: SFTPWrapper, name: string): boolean {
  const extensions = (sftp as unknown as { _extensions?: Record<string, string> })._extensions;
  return extensions?.[name] !== undefined;
}

/** `mkdir -p`: makes `path` and the folders above it that are missing; one another run made meanwhile is fine. */
export async function makeFolders(sftp: SFTPWrapper, path: string): Promise<void> {
  if (await statIfExists(sftp, path)) return;
  const parent = posix.dirname(path);
  if (parent !== path) await makeFolders(sftp, parent);
  await call<void>((done) => sftp.mkdir(path, done)).catch(async (error: unknown) => {
    if (!(await statIfExists(sftp, path).catch(() => undefined))) throw error;
  });
}
