import { createHmac } from "node:crypto";

export type KnownHostsVerdict =
  | { kind: "match" }
  | { kind: "unknown" }
  | { kind: "changed"; expected: Buffer[] }
  | { kind: "revoked" };

interface Entry {
  marker: string | undefined;
  hosts: string;
  keyType: string;
  key: Buffer;
}

/**
 * Checks a host key against known_hosts text the way OpenSSH does for plain entries:
 * host lists, `[host]:port` for other ports, hashed names (`|1|salt|hash`) and `@revoked`.
 * Wildcard patterns and `@cert-authority` lines are not interpreted (they never match here),
 * so such a host is reported unknown rather than accepted by mistake.
 */
export function checkKnownHosts(
  text: string,
  host: string,
  port: number,
  key: Buffer,
  type: string,
): KnownHostsVerdict {
  // OpenSSH writes and compares host names in lower case.
  const lower = host.toLowerCase();
  const name = port === 22 ? lower : `[${lower}]:${port}`;
  const expected: Buffer[] = [];
  let matched = false;
  for (const entry of parse(text)) {
    if (entry.marker === "@cert-authority" || !hostMatches(entry.hosts, name)) continue;
    if (entry.marker === "@revoked") {
      if (entry.key.equals(key)) return { kind: "revoked" };
      continue;
    }
    if (entry.key.equals(key)) matched = true;
    else if (entry.keyType === type) expected.push(entry.key);
  }
  if (matched) return { kind: "match" };
  // Like OpenSSH: another key of the same type for this host means the key changed.
  if (expected.length > 0) return { kind: "changed", expected };
  return { kind: "unknown" };
}

function* parse(text: string): Generator<Entry> {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith("@") ? fields.shift() : undefined;
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) continue;
    yield { marker, hosts, keyType, key: Buffer.from(base64, "base64") };
  }
}

function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith("|1|")) {
    const [, , salt, hash] = hosts.split("|");
    if (!salt || !hash) return false;
    const digest = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
    return digest === hash;
  }
  return hosts.split(",").some((pattern) => pattern === name);
}
