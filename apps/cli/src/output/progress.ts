import type { BackupProgress } from "@cairn/core";
import type { Session } from "../session.js";
import { formatBytes, plural } from "./format.js";

export interface ProgressLine {
  update(progress: BackupProgress & { name: string }): void;
  /** Clears the line, so the result that follows starts at column 0. */
  done(): void;
}

const REDRAW_MS = 250;
/** Off a terminal, a plain line this often, so a long run in cron or CI shows it is alive. */
const PLAIN_LINE_MS = 10_000;

/**
 * One line, redrawn in place, on a terminal: entries, bytes read and written to the destinations
 * (the tee keeps them in step), rate, time and current file. Off a terminal (cron, CI, a pipe), a
 * plain line every 10 s instead: a log full of carriage returns helps nobody. It redraws on a
 * timer, not only on updates, so the clock keeps moving through one large file.
 */
export function createProgressLine(session: Session, now = () => Date.now()): ProgressLine {
  const out = session.io.stderr;
  if (session.options.quiet) return { update() {}, done() {} };
  const tty = out.isTTY === true;
  const started = now();
  let latest: (BackupProgress & { name: string }) | undefined;
  let shown = false;
  const draw = () => {
    if (!latest) return;
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = formatBytes(Math.round(latest.archiveBytes / seconds));
    const path = latest.currentPath ? `, ${latest.currentPath}` : "";
    const text = `${latest.name}: ${plural(latest.entries, "entry", "entries")}, ${formatBytes(latest.sourceBytes)} read, ${formatBytes(latest.archiveBytes)} written, ${rate}/s, ${Math.floor(seconds)}s${path}`;
    if (!tty) {
      out.write(`${text}\n`);
      return;
    }
    const width = (out.columns !== undefined && out.columns >= 40 ? out.columns : 80) - 1;
    out.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    shown = true;
  };
  const timer = setInterval(draw, tty ? REDRAW_MS : PLAIN_LINE_MS);
  timer.unref();
  return {
    update(progress) {
      latest = progress;
    },
    done() {
      clearInterval(timer);
      if (shown && tty) out.write("\r\u001b[2K");
      shown = false;
    },
  };
}
