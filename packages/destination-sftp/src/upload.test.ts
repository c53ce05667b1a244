import { describe, expect, it } from "vitest";
import { writesThatFit } from "./upload.js";

const KiB = 1024;

describe("writesThatFit", () => {
  it("keeps as many requests in flight as sshd's 2 MiB window holds, and two more", () => {
    // The window as the connection opens, less the SFTP handshake's few bytes.
    expect(writesThatFit(2048 * KiB - 9, 128 * KiB, 64)).toBe(18);
  });

  it("never goes above the configured writesInFlight", () => {
    expect(writesThatFit(64 * 1024 * KiB, 128 * KiB, 64)).toBe(64);
    expect(writesThatFit(2048 * KiB, 128 * KiB, 4)).toBe(4);
  });

  it("keeps requests going through a window smaller than one request", () => {
    expect(writesThatFit(24 * KiB, 128 * KiB, 64)).toBe(3);
  });

  it("uses writesInFlight where ssh2 does not show the window", () => {
    expect(writesThatFit(undefined, 128 * KiB, 64)).toBe(64);
  });
});
