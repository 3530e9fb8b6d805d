// One step of the controller's output, shared by every search space: a softmax choice among
// `choices` (its token is the index), or the anchor point of layer `layer` (one bit per earlier
// layer, section 3.3 of Zoph & Le 2017).
export type Step =
  | { kind: 'choice'; decision: string; layer: number; choices: readonly number[] }
  | { kind: 'anchor'; layer: number };

/** Tokens a step emits. */
export function stepWidth(step: Step): number {
  return step.kind === 'anchor' ? step.layer : 1;
}
