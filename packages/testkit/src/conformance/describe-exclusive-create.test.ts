import { createMemoryDestination } from "@cairn/core";
import { describeExclusiveCreate } from "./describe-exclusive-create.js";

// core's in-memory reference destination is one step per call: compare-and-swap included.
describeExclusiveCreate("memory", () => ({ destination: createMemoryDestination() }), {
  capabilities: {
    atomicPut: true,
    delete: true,
    freeSpace: true,
    exclusiveCreate: true,
    compareAndSwap: true,
  },
});
