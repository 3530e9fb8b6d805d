// The TensorFlow thread pools `nas search run` gives the training workers it starts on this machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainingThreads } from '../../cli/local-workers';

describe('training workers\' TensorFlow threads', () => {
  it('splits the cores among the workers that share them, at least one thread each', () => {
    assert.deepEqual(trainingThreads(2, 2, {}), { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' });
    assert.deepEqual(trainingThreads(2, 8, {}), { TF_NUM_INTRAOP_THREADS: '4', TF_NUM_INTEROP_THREADS: '4' });
    assert.deepEqual(trainingThreads(3, 8, {}), { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '2' });
    assert.deepEqual(trainingThreads(1, 8, {}), { TF_NUM_INTRAOP_THREADS: '8', TF_NUM_INTEROP_THREADS: '8' });
    assert.deepEqual(trainingThreads(5, 2, {}), { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' }); // --workers above the cores
    assert.deepEqual(trainingThreads(0, 2, {}), { TF_NUM_INTRAOP_THREADS: '2', TF_NUM_INTEROP_THREADS: '2' });
  });

  it('keeps what the user set', () => {
    assert.deepEqual(trainingThreads(2, 8, { TF_NUM_INTRAOP_THREADS: '3' }), { TF_NUM_INTRAOP_THREADS: '3', TF_NUM_INTEROP_THREADS: '4' });
    assert.deepEqual(trainingThreads(2, 8, { TF_NUM_INTEROP_THREADS: '1' }), { TF_NUM_INTRAOP_THREADS: '4', TF_NUM_INTEROP_THREADS: '1' });
  });
});
