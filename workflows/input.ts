// The inputs of nasSearch and nasReplica as zod schemas, checked before a workflow does anything:
// an input that is not an object (`-i '[1,2,3]'`, `-i '"abc"'`, none at all), a stray key or a config
// that is not a mapping fails the workflow with a non-retryable InvalidConfigError instead of meaning
// "all defaults". Pure, so safe in workflow code; the config inside is config/parse.ts's to check.
import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';

/** A search config as given: a mapping (its keys and values are the schema's in config/). */
const ConfigMapping = z.record(z.string(), z.unknown());
const count = z.number().int().nonnegative();
const accuracy = z.number().nullable();

/** What nasSearch accepts from outside, and from its own continueAsNew (`resume`). */
export const NasSearchInputSchema = z.object({
  searchId: z.string().optional(),
  config: ConfigMapping.optional(),
  iterationsPerRun: z.number().int().positive().optional(),
  // Written by the search itself; older runs wrote fewer fields, so extra ones are tolerated here.
  resume: z.object({
    iteration: count, childrenDone: count, bestAccuracy: accuracy, baseline: accuracy, paused: z.boolean(),
    replicas: z.object({}).loose().optional(), stopping: z.boolean().optional(),
  }).loose().optional(),
}).strict();

/** What nasSearch starts a replica with (anyone starting one by hand must give the same). */
export const NasReplicaInputSchema = z.object({
  searchId: z.string().min(1),
  replica: count,
  searchWorkflowId: z.string().min(1),
  config: ConfigMapping,
  paused: z.boolean(),
  iterationsPerRun: z.number().int().positive().optional(),
  resume: z.object({ iteration: count, bestAccuracy: accuracy }).loose().optional(),
}).strict();

/** Fails the workflow (not just its task, which Temporal would retry forever) when `input` is not `schema`'s. */
export function checkWorkflowInput(workflow: string, schema: z.ZodType, input: unknown): void {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid ${workflow} input:\n${z.prettifyError(parsed.error)}`, 'InvalidConfigError');
  }
}

/** The value `parse` returns, or the workflow fails with its message as an InvalidConfigError (the type workflows branch on). */
export function parsedOrFail<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidConfigError');
  }
}
