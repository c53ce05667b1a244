import { once } from "node:events";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { coalesceWrites } from "./coalesce-writes.js";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const thing of open.splice(0)) thing.close();
});

/** A loopback TCP connection: the client socket, and a function that ends it and gives what arrived. */
async function loopback(): Promise<{ socket: Socket; received: () => Promise<string> }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  open.push(server);
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
  open.push({ close: () => socket.destroy() });
  const [[peer]] = await Promise.all([accepted, once(socket, "connect")]);
  const chunks: Buffer[] = [];
  peer.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = once(peer, "end");
  const received = async () => {
    socket.end();
    await ended;
    return Buffer.concat(chunks).toString();
  };
  return { socket, received };
}

describe("coalesceWrites", () => {
  it("hands the writes of one tick to the kernel together, in order", async () => {
    const { socket, received } = await loopback();
    coalesceWrites(socket);
    const single = vi.spyOn(socket as unknown as { _write: () => void }, "_write");
    const gathered = vi.spyOn(socket as unknown as { _writev: () => void }, "_writev");

    // What ssh2 does for one packet: length, ciphertext, MAC tag.
    socket.write("len|");
    socket.write("ciphertext|");
    socket.write("tag;");
    await new Promise((resolve) => setImmediate(resolve));
    expect(gathered).toHaveBeenCalledTimes(1);
    expect(single).not.toHaveBeenCalled();

    // The next tick starts a new batch rather than staying corked.
    socket.write("second packet");
    await new Promise((resolve) => setImmediate(resolve));
    expect(single.mock.calls.length + gathered.mock.calls.length).toBe(2);

    expect(await received()).toBe("len|ciphertext|tag;second packet");
  });
});
