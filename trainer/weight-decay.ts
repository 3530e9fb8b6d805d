// Weight decay for child networks (Zoph & Le 2017, section 4.1: 1e-4) as an L2 term of the loss, the
// form whose gradient is weightDecay * W, so plain SGD shrinks each kernel by lr * weightDecay * W a
// step. Only conv and dense kernels decay; batch-norm gamma and beta and biases do not. Not AdamW.
// Which variables decay is decided here; the term and its gradient are trainer/flat-optimizer.ts's.
import type { LayersModel, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';

/** The variables behind the model's trainable conv and dense kernels (layer weights named `kernel`). */
export function decayedKernels(tf: Tf, model: LayersModel): Variable[] {
  return model.trainableWeights
    .filter((w) => w.originalName.endsWith('/kernel'))
    .map((w) => {
      const value = w.read();
      if (!(value instanceof tf.Variable)) throw new Error(`kernel ${w.name} is not a variable`);
      return value;
    });
}
