import { type ArchiveWriteOptions, CairnError, type RunContext, type SourceEntry } from "@cairn/core";
import type { Pack } from "tar-stream";
import { openContent, READ_AHEAD, readWhole, SMALL_FILE_BYTES } from "../entry-content.js";
import { readAhead } from "../read-ahead.js";
import { type PackHeader, packHeader } from "./pack-header.js";

type EntrySink = ReturnType<Pack["entry"]>;

type Prepared = { entry: SourceEntry; data?: Buffer };

const NO_CONTENT = Buffer.alloc(0);

/**
 * Adds every entry, then the trailer (the per-entry index), to the pack and finalizes it. Small
 * files are read a few ahead of their turn (one file opened after another leaves the CPU idle);
 * large ones stream through in order. Rejects on the first entry that cannot be archived as listed.
 */
export async function packEntries(
  pack: Pack,
  entries: AsyncIterable<SourceEntry>,
  ctx: RunContext,
  trailer: ArchiveWriteOptions["trailer"],
): Promise<void> {
  const small = (entry: SourceEntry) =>
    entry.type === "file" && entry.size !== undefined && entry.size <= SMALL_FILE_BYTES;
  const prepared = readAhead<Prepared>(
    entries,
    small,
    async (entry) => ({ entry, data: await readWhole(entry) }),
    async (entry) => ({ entry }),
    READ_AHEAD,
  );
  for await (const { entry, data } of prepared) await packEntry(pack, entry, data, ctx);
  if (trailer) {
    const entry = await trailer();
    await packEntry(pack, entry, small(entry) ? await readWhole(entry) : undefined, ctx);
  }
  pack.finalize();
}

async function packEntry(pack: Pack, entry: SourceEntry, data: Buffer | undefined, ctx: RunContext) {
  ctx.signal.throwIfAborted();
  if (entry.type !== "file") return packed(pack, packHeader(entry, 0), NO_CONTENT);
  // tar writes each size before the content: a file that changed size since it was listed
  // would make an archive that lies, so it fails the backup with the file's name.
  if (entry.size === undefined) throw sizeMissing(entry);
  if (data === undefined) return packStreamed(pack, entry, entry.size, ctx);
  if (data.length !== entry.size) throw changedSize(entry);
  return packed(pack, packHeader(entry, data.length), data);
}

function packed(pack: Pack, header: PackHeader, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    quiet(pack.entry(header, data, (error) => (error ? reject(error) : resolve())));
  });
}

async function packStreamed(pack: Pack, entry: SourceEntry, size: number, ctx: RunContext) {
  let sink: EntrySink | undefined;
  const done = new Promise<void>((resolve, reject) => {
    sink = quiet(pack.entry(packHeader(entry, size), (error) => (error ? reject(error) : resolve())));
  });
  // Awaited below; a failure before then is the one the loop throws, and this must not go unhandled.
  done.catch(() => {});
  const content = sink as EntrySink;
  let written = 0;
  for await (const chunk of openContent(entry)) {
    ctx.signal.throwIfAborted();
    written += (chunk as Buffer).length;
    if (written > size) throw changedSize(entry);
    if (!content.write(chunk)) await drained(content);
  }
  if (written !== size) throw changedSize(entry);
  content.end(null);
  await done;
}

/**
 * An entry's stream is destroyed with the pack's error, which the entry's callback already
 * reports; without a listener streamx would throw it as uncaught.
 */
function quiet(sink: EntrySink): EntrySink {
  sink.on("error", () => {});
  return sink;
}

/** Resolves when the entry's stream takes more; rejects if the pack is destroyed meanwhile. */
function drained(content: EntrySink): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      content.off("close", onClose);
      resolve();
    };
    const onClose = () => {
      content.off("drain", onDrain);
      reject(new Error("the tar was closed while a file was being written into it"));
    };
    content.once("drain", onDrain);
    content.once("close", onClose);
  });
}

function sizeMissing(entry: SourceEntry): CairnError {
  return new CairnError(
    "PLUGIN_INVALID",
    `the source gave ${entry.path} without its size, which tar needs first`,
    {
      hint: "use `archive: { format: zip }` for this job, or report it to the source's author (a source told `sizesUpFront` must give sizes)",
    },
  );
}

function changedSize(entry: SourceEntry): CairnError {
  return new CairnError("SOURCE_CHANGED", `${entry.path} changed size while it was being archived`, {
    hint: "stop whatever writes to it during the backup, or take a snapshot in a `before` hook",
  });
}
