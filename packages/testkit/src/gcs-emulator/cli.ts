#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startGcsEmulator } from "./index.js";

// `cairn-gcs-emulator --port 4443 --bucket backups`: try cairn's GCS destination without a
// Google Cloud account. Point the destination's `apiEndpoint` at the printed URL.
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4443" },
    host: { type: "string", default: "127.0.0.1" },
    bucket: { type: "string", multiple: true, default: [] },
  },
});

const emulator = await startGcsEmulator({
  host: values.host,
  port: Number(values.port),
  buckets: values.bucket,
});
process.stdout.write(
  `GCS emulator listening on ${emulator.url} (buckets: ${values.bucket.join(", ") || "none"})\n`,
);
process.stdout.write("Objects are kept in a temporary folder and removed when the emulator stops.\n");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void emulator.stop().then(() => process.exit(0));
  });
}
