#!/usr/bin/env node
// A TCP proxy on 127.0.0.1 that adds a round-trip time in front of a local port, for the SFTP
// benchmark. Prints the port it listens on, then relays until killed.
// Usage: node bench/delay-proxy.mjs <target port> <round trip ms>
import { connect, createServer } from "node:net";

const [targetPort, roundTripMs] = process.argv.slice(2).map(Number);
if (!targetPort || !(roundTripMs >= 0))
  throw new Error("usage: delay-proxy.mjs <target port> <round trip ms>");
process.stdout.write(`${await listen(targetPort, roundTripMs)}\n`);

/**
 * A TCP proxy that holds every chunk for half the round trip in each direction, in order. One
 * timer per direction at a time, flushing every chunk that is due: a timer per chunk would
 * itself cap the throughput (each costs at least a millisecond).
 */
/** Listens on a free port and resolves to it. */
function listen(targetPort, roundTripMs) {
  const delay = (from, to) => {
    const queue = [];
    let timer;
    let ended = false;
    const flush = () => {
      timer = undefined;
      const now = performance.now();
      let due = 0;
      while (due < queue.length && queue[due].at <= now) due++;
      for (const { chunk } of queue.splice(0, due)) to.write(chunk);
      if (queue.length > 0) timer = setTimeout(flush, queue[0].at - now);
      else if (ended) to.end();
    };
    from.on("data", (chunk) => {
      queue.push({ chunk, at: performance.now() + roundTripMs / 2 });
      timer ??= setTimeout(flush, roundTripMs / 2);
    });
    from.on("end", () => {
      ended = true;
      if (queue.length === 0 && timer === undefined) to.end();
    });
  };
  const proxyServer = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on("error", () => undefined);
    }
    delay(client, upstream);
    delay(upstream, client);
  });
  return new Promise((resolvePort) =>
    proxyServer.listen(0, "127.0.0.1", () => resolvePort(proxyServer.address().port)),
  );
}
