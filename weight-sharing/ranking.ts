// How well shared-weight rewards rank architectures: Kendall's rank correlation τ_b between two
// scorings of the same architectures (ties counted as neither concordant nor discordant). Pure
// arithmetic; the bench that trains the architectures is bench/weight-sharing/ranking.ts.

/** Kendall's τ_b of paired scores; 1 = the same order, −1 = reversed, 0 = unrelated. NaN under 2 pairs or all ties. */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`kendallTau: ${a.length} scores against ${b.length}`);
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}
