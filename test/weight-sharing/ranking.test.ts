// Kendall's τ_b against values worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kendallTau } from '../../weight-sharing/ranking';

test('Kendall τ_b: same order 1, reversed −1, and a hand-counted mixed case with a tie', () => {
  assert.equal(kendallTau([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Pairs of [1,2,3] vs [1,3,2]: (1,2) concordant, (1,3) concordant, (2,3) discordant → (2 − 1) / 3.
  assert.ok(Math.abs(kendallTau([1, 2, 3], [1, 3, 2]) - 1 / 3) < 1e-12);
  // [1,2,3] vs [1,1,2]: (1,2) tie in b, (1,3) and (2,3) concordant → 2 / sqrt(3 · 2).
  assert.ok(Math.abs(kendallTau([1, 2, 3], [1, 1, 2]) - 2 / Math.sqrt(6)) < 1e-12);
  assert.ok(Number.isNaN(kendallTau([1, 1], [2, 3])));
  assert.throws(() => kendallTau([1], [1, 2]), /1 scores against 2/);
});
