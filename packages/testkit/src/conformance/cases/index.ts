import type { CaseGroup } from "../case-context.js";
import { atomicPut } from "./atomic-put.js";
import { deleteCases } from "./delete.js";
import { deleteManyCases } from "./delete-many.js";
import { compareAndSwap, exclusiveCreate } from "./exclusive-create.js";
import { freeSpaceCases } from "./free-space.js";
import { hostileKeys } from "./hostile-keys.js";
import { listing } from "./listing.js";
import { roundTrip } from "./round-trip.js";

/**
 * Every group of cases, in the order they run. A new capability brings its own file with a
 * `capability` and one line here; the suite chooses from the declaration alone.
 */
export const CASE_GROUPS: readonly CaseGroup[] = [
  roundTrip,
  atomicPut,
  listing,
  hostileKeys,
  deleteCases,
  deleteManyCases,
  freeSpaceCases,
  exclusiveCreate,
  compareAndSwap,
];
