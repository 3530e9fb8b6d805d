// The baseline b of section 3.2: an exponential moving average of previous rewards, and the
// advantages R_k − b it gives. Pure numbers, checked by hand in the tests.

/**
 * Advantages of a batch against the baseline held before it. With no baseline yet (first batch),
 * the batch's mean reward serves, so the first update is not pushed by the rewards' scale alone.
 */
export function advantages(rewards: readonly number[], baseline: number | null): { baseline: number; advantages: number[] } {
  const b = baseline ?? mean(rewards);
  return { baseline: b, advantages: rewards.map((r) => r - b) };
}

/** b ← decay·b + (1 − decay)·R for each reward in child order; starts from the batch mean when unset. */
export function updateBaseline(baseline: number | null, rewards: readonly number[], decay: number): number {
  let b = baseline ?? mean(rewards);
  for (const r of rewards) b = decay * b + (1 - decay) * r;
  return b;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of no rewards');
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
