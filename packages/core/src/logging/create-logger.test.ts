import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { SecretSet } from "../config/secrets.js";
import { createLogger } from "./create-logger.js";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe("createLogger", () => {
  const secrets = new SecretSet();
  secrets.add("hunter2-refresh-token");
  const redact = (t: string) => secrets.redact(t);

  it("writes JSON lines with level, time and fields, and no secret anywhere", async () => {
    const out = capture();
    const logger = createLogger({ format: "json", level: "info", redact, destination: out.stream });
    logger.info("uploaded with token hunter2-refresh-token", {
      job: "db",
      nested: { auth: "Bearer hunter2-refresh-token" },
    });
    logger.debug("not shown at info");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "info", job: "db" });
    expect(typeof line.time).toBe("string");
    expect(out.text()).not.toContain("hunter2");
  });

  it("writes readable lines for people, with the level and fields, and no secret", () => {
    const out = capture();
    const logger = createLogger({ format: "text", level: "debug", redact, destination: out.stream });
    logger.warn("retrying hunter2-refresh-token", { attempt: 2 });
    logger.debug("detail");
    expect(out.text()).toMatch(
      /^\d\d:\d\d:\d\d warn {2}retrying \S+ attempt=2\n\d\d:\d\d:\d\d debug detail\n$/,
    );
    expect(out.text()).not.toContain("hunter2");
  });
});
