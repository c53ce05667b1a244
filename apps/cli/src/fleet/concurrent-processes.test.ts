import { describeConcurrentHosts } from "../__fixtures__/concurrent-hosts.js";

// The same fleet as concurrent-hosts-*.test.ts, but every run a cairn process of its own (its own
// pid in the lease, its own clock reads, its own exit): fewer rounds, since each costs eight Node starts.
for (const kind of ["local", "sftp", "gcs", "dropbox"] as const) {
  describeConcurrentHosts(kind, { processes: true, repetitions: 4 });
}
