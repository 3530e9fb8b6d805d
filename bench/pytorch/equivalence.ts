// The side-by-side bench's first question: do the two sides train the same network? From the same
// initial weights and the same batches: (1) the loss of each of the first steps (one batch an epoch)
// agrees to a few digits, for every child of both regimes and one that takes every shape rule; (2)
// over the digits recipe, the per-epoch validation accuracies and losses agree, beside how far PyTorch
// moves from itself when only its summation order changes (2 threads instead of 1). Prints; the bench
// exits non-zero when a tolerance is missed. Not a test: nothing in the test suite runs PyTorch.
import type { Tf } from '../../backend/tf';
import type { Job, Outcome } from './job';
import { prepareRegime } from './prepare';
import { type Commands, runSide } from './processes';
import { DIGITS_DEFAULT, PAPER_SIZE, type Regime, SHAPE_RULES_CHILD } from './regimes';

const FIRST_STEPS = 8;
/** Tolerances, relative for losses: the first step is the forward pass alone; steps 2–4 add 1–3 updates. */
const TOLERANCE = { firstStep: 1e-5, earlySteps: 1e-4, earlyStepCount: 4, meanAccuracy: 0.03, meanLoss: 0.01 };

export interface Check { lines: string[]; passed: boolean }

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const fixed = (xs: readonly number[], digits: number): string => xs.map((x) => x.toFixed(digits)).join(' ');

/** (1): the first FIRST_STEPS steps of every child, one batch per epoch. */
export async function checkFirstSteps(tf: Tf, root: string, seed: number, commands: Commands): Promise<Check> {
  const lines = [`First ${FIRST_STEPS} steps (one batch an epoch), loss per step; pass: step 1 within ${TOLERANCE.firstStep} and steps 1–${TOLERANCE.earlyStepCount} within ${TOLERANCE.earlySteps}, relative`];
  let passed = true;
  const regimes: Regime[] = [
    { ...DIGITS_DEFAULT, children: { ...DIGITS_DEFAULT.children, 'shape rules': SHAPE_RULES_CHILD } },
    PAPER_SIZE,
  ];
  for (const regime of regimes) {
    const steps: Regime = { ...regime, recipe: { ...regime.recipe, epochs: FIRST_STEPS } };
    const prepared = await prepareRegime(tf, steps, root, seed, regime.recipe.batchSize);
    const job: Job = { ...prepared, recipe: steps.recipe, seed, threads: 1, warmup: false, channelsLast: false };
    const [[tfjs], [pytorch]] = [await runSide('tfjs', job, 1, commands), await runSide('pytorch', job, 1, commands)];
    for (const [i, child] of tfjs!.children.entries()) {
      const other = pytorch!.children[i]!;
      const diffs = child.losses.map((l, s) => relative(l, other.losses[s]!));
      const ok = diffs[0]! <= TOLERANCE.firstStep && Math.max(...diffs.slice(0, TOLERANCE.earlyStepCount)) <= TOLERANCE.earlySteps;
      passed &&= ok;
      lines.push(`- ${regime.name} / ${child.name}: ${ok ? 'same' : 'DIFFERENT'}`,
        `  tfjs    ${fixed(child.losses, 6)}`,
        `  pytorch ${fixed(other.losses, 6)}`,
        `  relative difference ${diffs.map((d) => d.toExponential(1)).join(' ')}`);
    }
  }
  return { lines, passed };
}

/** (2): the full digits recipe from the prepared folder; PyTorch on 2 threads gives the yardstick. */
export async function checkDigitsRecipe(job: Job, commands: Commands): Promise<Check> {
  const one = { ...job, threads: 1, warmup: false };
  const [[tfjs], [pytorch], [pytorch2]] = [
    await runSide('tfjs', one, 1, commands), await runSide('pytorch', one, 1, commands), await runSide('pytorch', { ...one, threads: 2 }, 1, commands),
  ] as [Outcome[], Outcome[], Outcome[]];
  const lines = [
    `Digits recipe (${job.recipe.epochs} epochs, ${job.children.length} children): validation accuracy per epoch | mean training loss per epoch`,
    `pass: per epoch, the mean over children within ${TOLERANCE.meanAccuracy} (accuracy) and ${TOLERANCE.meanLoss} relative (loss)`,
  ];
  for (const [i, child] of tfjs!.children.entries()) {
    lines.push(`- ${child.name}`);
    for (const [label, outcome] of [['tfjs', tfjs], ['pytorch', pytorch], ['pytorch, 2 threads', pytorch2]] as const) {
      const c = outcome!.children[i]!;
      lines.push(`  ${label.padEnd(18)} ${fixed(c.validationAccuracies, 3)} | ${fixed(c.losses, 5)}`);
    }
  }
  const perEpoch = (o: Outcome, key: 'validationAccuracies' | 'losses'): number[] =>
    o.children[0]![key].map((_, e) => mean(o.children.map((c) => c[key][e]!)));
  const [accT, accP, accP2] = [tfjs!, pytorch!, pytorch2!].map((o) => perEpoch(o, 'validationAccuracies')) as [number[], number[], number[]];
  const [lossT, lossP] = [tfjs!, pytorch!].map((o) => perEpoch(o, 'losses')) as [number[], number[]];
  const accuracyGaps = accT.map((a, e) => Math.abs(a - accP[e]!));
  const lossGaps = lossT.map((l, e) => relative(l, lossP[e]!));
  const passed = Math.max(...accuracyGaps) <= TOLERANCE.meanAccuracy && Math.max(...lossGaps) <= TOLERANCE.meanLoss;
  const childGap = (a: Outcome, b: Outcome): string =>
    fixed(a.children[0]!.validationAccuracies.map((_, e) => mean(a.children.map((c, k) => Math.abs(c.validationAccuracies[e]! - b.children[k]!.validationAccuracies[e]!)))), 3);
  lines.push(
    `mean accuracy per epoch: tfjs ${fixed(accT, 3)}, pytorch ${fixed(accP, 3)} (2 threads: ${fixed(accP2, 3)}); gap ${fixed(accuracyGaps, 3)}`,
    `mean loss per epoch: tfjs ${fixed(lossT, 5)}, pytorch ${fixed(lossP, 5)}; relative gap ${lossGaps.map((d) => d.toExponential(1)).join(' ')}`,
    `mean per-child |accuracy difference| per epoch: tfjs vs pytorch ${childGap(tfjs!, pytorch!)}; pytorch 1 vs 2 threads ${childGap(pytorch!, pytorch2!)}`,
    `digits recipe: ${passed ? 'same' : 'DIFFERENT'}`,
  );
  return { lines, passed };
}
