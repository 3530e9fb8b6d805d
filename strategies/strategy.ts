// What every search strategy (random search, regularized evolution, the REINFORCE controller) offers a
// search loop: propose a batch of architectures, then observe their rewards. Not the loop itself
// (strategies/harness.ts) and not any evaluation: a strategy sees rewards only, never test accuracies.

/** One evaluated architecture as a strategy sees it. */
export interface Observation<A> {
  readonly arch: A;
  /** Higher is better; for the NAS-Bench-201 table search, valid_acc_12ep / 100. */
  readonly reward: number;
}

export interface Strategy<A> {
  readonly name: string;
  /** At least one architecture; the caller evaluates them all, in order, before the next propose. */
  propose(): A[];
  /** The rewards of every architecture of the last propose, in the same order. */
  observe(observations: readonly Observation<A>[]): void;
}

/** A strategy's own check that `observations` answers exactly what it proposed (a caller bug otherwise). */
export function checkObservations<A>(name: string, proposed: readonly A[], observations: readonly Observation<A>[], key: (arch: A) => string): void {
  if (observations.length !== proposed.length) {
    throw new Error(`${name}: observed ${observations.length} architectures, proposed ${proposed.length}`);
  }
  observations.forEach((o, i) => {
    if (key(o.arch) !== key(proposed[i]!)) throw new Error(`${name}: observation ${i} is ${key(o.arch)}, proposed ${key(proposed[i]!)}`);
    if (!Number.isFinite(o.reward)) throw new Error(`${name}: observation ${i} has reward ${o.reward}`);
  });
}
