// Checks the child reward (Zoph & Le 2017, section 4.1) against numbers worked out by hand. Not
// training: the accuracies here are made up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childReward } from '../../trainer/reward';

describe('childReward', () => {
  const accuracies = [0.95, 0.5, 0.9, 0.6, 0.7, 0.8, 0.75];

  it('cubes the best of the last 5 epochs (the paper\'s setting)', () => {
    // last 5: 0.9, 0.6, 0.7, 0.8, 0.75 → max 0.9 (the 0.95 of epoch 0 is outside) → 0.9^3 = 0.729
    assert.ok(Math.abs(childReward(accuracies, 5, 3) - 0.729) < 1e-12);
  });

  it('follows the window and exponent', () => {
    assert.ok(Math.abs(childReward(accuracies, 3, 3) - 0.512) < 1e-12); // max(0.7, 0.8, 0.75)^3 = 0.8^3
    assert.ok(Math.abs(childReward(accuracies, 1, 2) - 0.5625) < 1e-12); // 0.75^2
    assert.equal(childReward(accuracies, 7, 1), 0.95);
  });

  it('uses every epoch when there are fewer than the window, and 0 when there are none', () => {
    assert.ok(Math.abs(childReward([0.6], 5, 3) - 0.216) < 1e-12); // 0.6^3
    assert.equal(childReward([], 5, 3), 0);
  });
});
