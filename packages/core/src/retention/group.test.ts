import { describe, expect, it } from "vitest";
import { describeGroup, inGroup, retentionGroup } from "./group.js";

describe("retentionGroup", () => {
  it("groups by host and job unless the policy shares the job's group", () => {
    const own = retentionGroup("db", undefined, "web1");
    expect(inGroup({ host: "web1" }, own)).toBe(true);
    expect(inGroup({ host: "WEB1" }, own)).toBe(true);
    expect(inGroup({ host: "web2" }, own)).toBe(false);
    const shared = retentionGroup("db", "job", "web1");
    expect(inGroup({ host: "web2" }, shared)).toBe(true);
    expect(describeGroup(shared)).toContain("all hosts");
    expect(describeGroup(own)).toBe("host web1");
  });
});
