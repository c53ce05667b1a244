import type { Readable } from "node:stream";

export interface StoredObject {
  key: string;
  size: number;
  modified: Date;
}

export interface PutInfo {
  /** Known length in bytes, when the caller knows it in advance. */
  size?: number;
  signal: AbortSignal;
}

/**
 * What a destination can do beyond the methods every one has, declared as data: core checks a
 * config against it before running anything, checks after create() that each declared method is
 * there, and the conformance suite runs the cases of exactly the declared capabilities.
 */
export interface DestinationCapabilities {
  /**
   * @deprecated Every put must be atomic, so there is nothing to declare: the conformance suite
   * checks it of every destination. `true` is ignored and `false` is refused; leave it out.
   */
  atomicPut?: boolean;
  /** delete() removes backups; retention needs it. */
  delete: boolean;
  /** freeSpace() tells the bytes available; `minFreeSpace` retention needs it. */
  freeSpace: boolean;
  /**
   * createExclusive(), readVersioned(), replaceIfVersion() and deleteIfVersion() work: what a
   * lease at the destination needs, so that two hosts never prune one prefix at once. Absent
   * means false; cairn then prunes without a lease and says so where the prefix is shared.
   */
  exclusiveCreate?: boolean;
  /**
   * replaceIfVersion() and deleteIfVersion() are one step at the store (a generation or rev
   * precondition). Without it they read, compare, then act, and a writer can slip in between.
   */
  compareAndSwap?: boolean;
  /** deleteMany() removes many keys in a few requests; prune uses it where declared. */
  deleteMany?: boolean;
}

/** A small object and the version the store gave it (a generation, a rev, an ETag, a hash). */
export interface VersionedObject {
  body: Buffer;
  version: string;
}

/** The four calls a lease needs; a destination declaring `exclusiveCreate` has them all. */
export interface ExclusiveObjects {
  /**
   * Stores `body` under `key` only if nothing is there, in one step at the store: of many callers
   * at once exactly one succeeds, every other rejects with DESTINATION_CONFLICT. A reader never
   * sees part of `body`. Resolves with the version of what was stored.
   */
  createExclusive(key: string, body: Buffer, options: { signal: AbortSignal }): Promise<string>;
  /** The object and its version; NOT_FOUND when there is none. */
  readVersioned(key: string, options: { signal: AbortSignal }): Promise<VersionedObject>;
  /**
   * Replaces the object only while its version is still `version`; DESTINATION_CONFLICT when it
   * changed or is gone. Resolves with the new version.
   */
  replaceIfVersion(
    key: string,
    body: Buffer,
    version: string,
    options: { signal: AbortSignal },
  ): Promise<string>;
  /** Deletes the object only while its version is still `version`; DESTINATION_CONFLICT when it changed; resolves when it is gone. */
  deleteIfVersion(key: string, version: string, options: { signal: AbortSignal }): Promise<void>;
}

/** The capabilities a destination may declare. */
export type CapabilityName = Exclude<keyof DestinationCapabilities, "atomicPut">;

/**
 * Declared capabilities this instance cannot use after all, each with the reason: an SFTP server
 * without the statvfs@openssh.com extension cannot tell its free space.
 */
export type UnavailableCapabilities = Partial<Record<CapabilityName, string>>;

/**
 * Where archives go. Keys are POSIX-style relative paths (`job/job-2026...zip`).
 *
 * Obligations every implementation keeps (the conformance suite checks them):
 * - keys: every method refuses a key (or listing prefix) that core's `checkKey` (`checkListPrefix`)
 *   refuses, with DESTINATION_KEY_INVALID, before touching storage.
 * - put: atomic; a rejected or aborted put leaves nothing under the key; an existing key is
 *   refused with DESTINATION_CONFLICT (backups are never overwritten); a body shorter or longer
 *   than a declared `size` is refused with SIZE_MISMATCH (`withDeclaredSize`) and stores nothing.
 * - get: a missing key rejects with a CairnError of code NOT_FOUND.
 * - list: yields each key under the prefix once, in no particular order, never a temporary upload,
 *   across every page; once `signal` aborts it yields nothing more and rejects.
 * - delete: a missing key resolves.
 * - close: may be called more than once.
 * - errors are CairnErrors with a destination code (DESTINATION_AUTH, DESTINATION_QUOTA, ...),
 *   the SDK's error kept as `cause`.
 */
export interface Destination extends Partial<ExclusiveObjects> {
  put(key: string, body: Readable, info: PutInfo): Promise<StoredObject>;
  list(prefix: string, options?: { signal?: AbortSignal }): AsyncIterable<StoredObject>;
  get(key: string, options: { signal: AbortSignal }): Promise<Readable>;
  delete(key: string): Promise<void>;
  /**
   * Deletes many keys in a few requests, for a prune of many old backups where the service offers
   * a batch call. Missing keys count as deleted. When it rejects, any subset may be gone; prune then
   * falls back to delete() one by one to learn which.
   */
  deleteMany?(keys: readonly string[]): Promise<void>;
  /** Bytes free at the destination, where `capabilities.freeSpace`. */
  freeSpace?(): Promise<number>;
  /**
   * Which declared capabilities this instance lacks, where that depends on the server and not on
   * the plugin (it may connect to find out). Core asks before using one; absent means none.
   */
  unavailableCapabilities?(): Promise<UnavailableCapabilities>;
  /**
   * What deleting costs here beyond the obvious, for prune to tell the user: e.g. a bucket whose
   * soft delete keeps (and bills) deleted objects for a while. Undefined when nothing.
   */
  deletionNotice?(): Promise<string | undefined>;
  close(): Promise<void>;
}
