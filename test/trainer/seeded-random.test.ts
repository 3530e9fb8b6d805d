// Checks the seeded PRNG and shuffle the trainer orders batches with: reproducible, in range, a
// permutation. Not a statistical test of the generator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom, shuffledIndices } from '../../trainer/seeded-random';

describe('seededRandom and shuffledIndices', () => {
  it('repeats for the same seed and differs for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
    assert.ok(draw(7).every((x) => x >= 0 && x < 1));
  });

  it('shuffles into a permutation that depends on the seed only', () => {
    const a = shuffledIndices(100, seededRandom(3));
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(a, shuffledIndices(100, seededRandom(3)));
    assert.notDeepEqual(a, Int32Array.from({ length: 100 }, (_, i) => i));
  });
});
