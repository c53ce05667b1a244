import { describe, expect, it } from "vitest";
import { silentLogger } from "../contracts/context.js";
import { CairnError } from "../errors.js";
import { createMemoryDestination } from "../memory-destination.js";
import { leaseKey } from "../naming.js";
import { encodeLease, parseLease } from "./lease-record.js";
import { type LeaseOptions, takeLease } from "./take-lease.js";

const options = (host: string, extra: Partial<LeaseOptions> = {}): LeaseOptions => ({
  job: "db",
  host,
  expiryMs: 600,
  waitMs: 5000,
  where: "mem",
  logger: silentLogger,
  signal: new AbortController().signal,
  ...extra,
});

const none = { signal: new AbortController().signal };

const holderOf = (dest: ReturnType<typeof createMemoryDestination>) =>
  parseLease(dest.objects.get(leaseKey("db"))!.data);

describe("takeLease", () => {
  it("lets one of many hosts hold the lease at a time, and the others in turn", async () => {
    const dest = createMemoryDestination();
    let holding = 0;
    let most = 0;
    const order: string[] = [];
    await Promise.all(
      ["a", "b", "c", "d"].map(async (host) => {
        const lease = await takeLease(dest, options(host));
        holding += 1;
        most = Math.max(most, holding);
        order.push(host);
        await new Promise((r) => setTimeout(r, 30));
        holding -= 1;
        await lease.release();
      }),
    );
    expect(most).toBe(1);
    expect(order.sort()).toEqual(["a", "b", "c", "d"]);
    expect(dest.objects.has(leaseKey("db"))).toBe(false);
  });

  it("takes over a lease whose expiry has passed, as a killed holder leaves it", async () => {
    const dest = createMemoryDestination();
    const past = new Date(Date.now() - 1000).toISOString();
    const record = {
      lease: 1 as const,
      job: "db",
      host: "gone",
      pid: 99999,
      token: "t",
      startedAt: past,
      renewedAt: past,
      expiresAt: past,
    };
    await dest.createExclusive(leaseKey("db"), encodeLease(record), none);
    const started = Date.now();
    const lease = await takeLease(dest, options("web1"));
    expect(Date.now() - started).toBeLessThan(500);
    expect(holderOf(dest)).toMatchObject({ host: "web1", pid: process.pid });
    await lease.release();
  });

  it("takes over an unreadable lease only once it has stayed unchanged for a whole expiry", async () => {
    const dest = createMemoryDestination();
    await dest.createExclusive(leaseKey("db"), Buffer.from("{ half a lea"), none);
    const started = Date.now();
    const lease = await takeLease(dest, options("web1", { expiryMs: 400 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(holderOf(dest)?.host).toBe("web1");
    await lease.release();
  });

  it("never takes over a live holder's lease: the waiter fails after lockWait naming the holder", async () => {
    const dest = createMemoryDestination();
    const holder = await takeLease(dest, options("web1", { expiryMs: 300 }));
    const token = holderOf(dest)?.token;
    const error = await takeLease(dest, options("web2", { waitMs: 1200 })).catch((e: unknown) => e);
    expect(CairnError.is(error, "LOCKED")).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`leased by web1 \\(pid ${process.pid}\\)`));
    // Renewed all along (expiry 300 ms, waited 1.2 s), still the same holder's.
    expect(holderOf(dest)?.token).toBe(token);
    expect(Date.parse(holderOf(dest)!.expiresAt)).toBeGreaterThan(Date.now());
    expect(holder.lost.aborted).toBe(false);
    await holder.release();
  });

  it("tells its holder when the lease was taken from it, and then leaves the new holder's lease alone", async () => {
    const dest = createMemoryDestination();
    const holder = await takeLease(dest, options("web1", { expiryMs: 300 }));
    const { version } = await dest.readVersioned(leaseKey("db"), none);
    const thief = { ...holderOf(dest)!, host: "web2", token: "other" };
    await dest.replaceIfVersion(leaseKey("db"), encodeLease(thief), version, none);
    await new Promise((r) => setTimeout(r, 250));
    expect(holder.lost.aborted).toBe(true);
    await holder.release();
    expect(holderOf(dest)?.host).toBe("web2");
  });
});
