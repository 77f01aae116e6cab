/**
 * Planning against live registries: plan, observe what the plan is missing,
 * plan again, until nothing is missing (one round for tags, two when a
 * repository must be listed first, one more for the local registry copies
 * Local triggers point at).
 */
import { ReconcilerError } from "../errors.ts";
import type { Plan } from "../model/plan.ts";

import { noObservations, type Observations } from "../plan/observation.ts";
import type { PlanOptions } from "../plan/plan-context.ts";
import { planRepository, type PlanInput } from "../plan/plan-repository.ts";
import { observe, type ObserveOptions } from "./observe.ts";

/**
 * Rounds a plan may take: listings, then images, then whether the local
 * registry holds what Local triggers point at, with one to spare.
 */
const maxRounds = 5;

/** The plan of `input`, with every registry answer it needs. */
export async function makePlan(
  input: PlanInput,
  options: Omit<PlanOptions, "observations">,
  observeOptions: ObserveOptions,
): Promise<{ readonly plan: Plan; readonly observations: Observations }> {
  let observations = noObservations;
  for (let round = 0; round < maxRounds; round++) {
    const { plan, pending } = planRepository(input, { ...options, observations });
    if (pending.images.size === 0 && pending.listings.size === 0) return { plan, observations };
    observations = await observe(pending, observations, observeOptions);
  }
  throw new ReconcilerError(
    "INTERNAL",
    `planning still needed registry answers after ${String(maxRounds)} rounds`,
  );
}
