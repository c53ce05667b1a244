import type { SFTPWrapper } from "ssh2";
import { describe, expect, it } from "vitest";
import { receiveWindowKeeper, sendWindowOf } from "./channel-window.js";

const KiB = 1024;

/** A channel as ssh2 keeps it, recording the window updates sent to the server. */
function channel(window: number) {
  const sent: [number, number][] = [];
  const fake = {
    incoming: { window },
    outgoing: { id: 7 },
    _protocol: {
      channelWindowAdjust(id: number, amount: number) {
        sent.push([id, amount]);
      },
    },
  };
  return { fake, sftp: fake as unknown as SFTPWrapper, sent };
}

describe("receiveWindowKeeper", () => {
  it("opens the window to room for every read in flight and tells the server", () => {
    const { fake, sftp, sent } = channel(2048 * KiB);
    const keepOpen = receiveWindowKeeper(sftp, 64 * 128 * KiB);
    keepOpen();
    expect(sent).toEqual([[7, 6144 * KiB]]);
    expect(fake.incoming.window).toBe(8192 * KiB);
  });

  it("tops up what the server's replies used, but not for every few bytes", () => {
    const { fake, sftp, sent } = channel(8192 * KiB);
    const keepOpen = receiveWindowKeeper(sftp, 8192 * KiB);
    fake.incoming.window -= 100 * KiB;
    keepOpen();
    expect(sent).toEqual([]);
    fake.incoming.window -= 100 * KiB;
    keepOpen();
    expect(sent).toEqual([[7, 200 * KiB]]);
    expect(fake.incoming.window).toBe(8192 * KiB);
  });

  it("leaves a channel alone whose fields ssh2 no longer has", () => {
    const keepOpen = receiveWindowKeeper({} as SFTPWrapper, 8192 * KiB);
    expect(() => keepOpen()).not.toThrow();
  });
});

describe("sendWindowOf", () => {
  it("reads the window the server granted, and nothing where ssh2 does not show it", () => {
    expect(sendWindowOf({ outgoing: { window: 2048 * KiB } } as unknown as SFTPWrapper)).toBe(2048 * KiB);
    expect(sendWindowOf({} as SFTPWrapper)).toBeUndefined();
  });
});
