import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkKnownHosts } from "./known-hosts.js";

const key = Buffer.from("the server's key blob");
const otherKey = Buffer.from("another key blob");
const line = (hosts: string, k = key, marker = "") => `${marker}${hosts} ssh-ed25519 ${k.toString("base64")}`;

describe("checkKnownHosts", () => {
  it("matches a plain host on port 22 and [host]:port on other ports", () => {
    expect(checkKnownHosts(line("nas.lan,192.168.1.5"), "nas.lan", 22, key, "ssh-ed25519").kind).toBe(
      "match",
    );
    expect(checkKnownHosts(line("nas.lan"), "nas.lan", 2222, key, "ssh-ed25519").kind).toBe("unknown");
    expect(checkKnownHosts(line("[nas.lan]:2222"), "nas.lan", 2222, key, "ssh-ed25519").kind).toBe("match");
  });

  it("matches hashed host names as written by HashKnownHosts", () => {
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update("nas.lan").digest("base64");
    expect(
      checkKnownHosts(line(`|1|${salt.toString("base64")}|${hash}`), "nas.lan", 22, key, "ssh-ed25519").kind,
    ).toBe("match");
    expect(
      checkKnownHosts(line(`|1|${salt.toString("base64")}|${hash}`), "other.lan", 22, key, "ssh-ed25519")
        .kind,
    ).toBe("unknown");
  });

  it("reports a changed key when the host is listed with another key of the same type", () => {
    const verdict = checkKnownHosts(line("nas.lan", otherKey), "nas.lan", 22, key, "ssh-ed25519");
    expect(verdict.kind).toBe("changed");
  });

  it("refuses a revoked key even when another line lists it", () => {
    const text = `${line("nas.lan")}\n${line("nas.lan", key, "@revoked ")}`;
    expect(checkKnownHosts(text, "nas.lan", 22, key, "ssh-ed25519").kind).toBe("revoked");
  });
});
