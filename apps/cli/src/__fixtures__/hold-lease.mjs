// Takes job db's lease at a destination and keeps it (renewing) until killed: another host's run.
// Usage: node hold-lease.mjs '<destination entry JSON>' <host> <expiryMs>
import { silentLogger, takeLease } from "@cairn/core";
import { pluginContext } from "@cairn/testkit";

const PLUGINS = {
  local: "@cairn/destination-local",
  sftp: "@cairn/destination-sftp/plugin",
  gcs: "@cairn/destination-gcs/plugin",
  dropbox: "@cairn/destination-dropbox/plugin",
};
const [entryJson, host, expiry] = process.argv.slice(2);
const { type, ...options } = JSON.parse(entryJson);
const plugin = (await import(PLUGINS[type])).default;
const destination = await plugin.create(
  plugin.options.parse(options),
  pluginContext({ baseDir: process.cwd(), name: "shared" }),
);
await takeLease(destination, {
  job: "db",
  host,
  expiryMs: Number(expiry),
  waitMs: 60_000,
  where: "shared",
  logger: silentLogger,
  signal: new AbortController().signal,
});
process.stdout.write("held\n");
setInterval(() => {}, 60_000);
