import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

function workspaceNames(): string[] {
  const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { workspaces: string[] };
  return root.workspaces
    .flatMap((pattern) =>
      pattern.endsWith("/*")
        ? readdirSync(join(repo, pattern.slice(0, -2))).map((name) => join(pattern.slice(0, -2), name))
        : [pattern],
    )
    .map(
      (dir) => (JSON.parse(readFileSync(join(repo, dir, "package.json"), "utf8")) as { name: string }).name,
    );
}

describe("changesets", () => {
  // `changeset version` refuses a release whose changesets name a package that does not exist,
  // as `cairn` did once the command was published as @cairn/cli.
  it("name only packages of the workspace", () => {
    const known = new Set(workspaceNames());
    const dir = join(repo, ".changeset");
    const unknown = readdirSync(dir)
      .filter((file) => file.endsWith(".md") && file !== "README.md")
      .flatMap((file) => {
        const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? "";
        return [...front.matchAll(/^"([^"]+)":/gm)].map(([, name]) => `${file}: ${name}`);
      })
      .filter((entry) => !known.has(entry.split(": ")[1]!));
    expect(unknown).toEqual([]);
  });
});
