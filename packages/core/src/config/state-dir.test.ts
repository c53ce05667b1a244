import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultStateDir } from "./state-dir.js";

describe("defaultStateDir", () => {
  const saved = process.env.XDG_STATE_HOME;
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = saved;
  });

  it.runIf(process.platform === "linux")(
    "is $XDG_STATE_HOME/cairn, or ~/.local/state/cairn without it",
    () => {
      process.env.XDG_STATE_HOME = "/srv/state";
      expect(defaultStateDir()).toBe("/srv/state/cairn");
      delete process.env.XDG_STATE_HOME;
      expect(defaultStateDir()).toBe(join(homedir(), ".local", "state", "cairn"));
    },
  );

  it.runIf(process.platform === "darwin")("is in Application Support on macOS", () => {
    expect(defaultStateDir()).toBe(join(homedir(), "Library", "Application Support", "cairn"));
  });
});
