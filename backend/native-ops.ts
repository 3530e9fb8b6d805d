// TensorFlow kernels that tfjs does not expose as ops, called on the tfjs-node(-gpu) binding with
// gradients of their own (issue 11): batch norm with ReLU in training mode, and softmax cross
// entropy from logits, each one kernel forward and one backward where tfjs' ops launch tens. The
// rest of the code stays on the tfjs API; not a general op library, and no fallback for a backend
// without the binding (the only backends here are tfjs-node and tfjs-node-gpu).
import type { GradSaveFunc, Scalar, Tensor, Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';
import type { Tf } from './tf';

interface OpAttr { name: string; type: number; value: unknown }
interface Binding { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number }
/** The tfjs-node(-gpu) backend's own calls: a kernel's outputs come back as engine tensors (tf.tidy tracks them). */
interface NativeBackend {
  binding: Binding;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: Tensor[], outputs: number): Tensor[];
}

function nativeBackend(tf: Tf): NativeBackend {
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  if (typeof backend.executeMultipleOutputs !== 'function' || backend.binding === undefined) {
    throw new Error(`the ${tf.getBackend()} backend cannot run native TensorFlow kernels; children train on tfjs-node(-gpu)`);
  }
  return backend as NativeBackend;
}

/** A batch-norm layer's moving statistics, [channels] each; the training step writes them. */
export interface MovingStatistics { movingMean: Variable; movingVariance: Variable }

/**
 * relu(batchNorm(x)) in training mode, with batch statistics over [batch, h, w]; writes the moving
 * statistics' next values, (1 - decay) · moving + decay · batch, where the batch variance is the
 * unbiased one (TensorFlow's fused kernel; Keras in Python does the same, tfjs' layer uses the biased
 * one: they differ by n/(n-1), 1.0002 at a batch of 32 14×14 maps). `x` [batch, h, w, c], gamma,
 * beta and the moving statistics [c]. Gradients flow to x, gamma and beta.
 */
export function batchNormReluTraining(
  tf: Tf, x: Tensor4D, gamma: Tensor1D, beta: Tensor1D, moving: MovingStatistics, epsilon: number, decay: number,
): Tensor4D {
  const backend = nativeBackend(tf);
  const { binding } = backend;
  const attrs: OpAttr[] = [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: true },
  ];
  const op = tf.customGrad((input, scale, offset, save) => {
    // outputs: y, next moving mean, next moving variance, and three reserve spaces for the gradient
    const [normed, mean, variance, ...reserve] = backend.executeMultipleOutputs('FusedBatchNormV3',
      [...attrs, { name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: decay }],
      [input as Tensor, scale as Tensor, offset as Tensor, moving.movingMean, moving.movingVariance], 6);
    // Written here: the op's outputs other than its value are freed when customGrad returns.
    moving.movingMean.assign(mean!);
    moving.movingVariance.assign(variance!);
    const [y] = backend.executeMultipleOutputs('Relu', [attrs[0]!], [normed!], 1); // [batch, h, w, c]
    (save as GradSaveFunc)([input as Tensor, scale as Tensor, y!, ...reserve]);
    return {
      value: y!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [savedInput, savedScale, savedY, ...savedReserve] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
        const [dNormed] = backend.executeMultipleOutputs('ReluGrad', [attrs[0]!], [dy, savedY], 1); // relu'(normed) = relu'(y)
        const [dx, dScale, dOffset] = backend.executeMultipleOutputs('FusedBatchNormGradV3', attrs,
          [dNormed!, savedInput, savedScale, ...savedReserve], 5);
        return [dx!, dScale!, dOffset!];
      },
    };
  });
  return op(x, gamma, beta) as Tensor4D;
}

/**
 * Mean over the batch of −Σ targets · log softmax(logits), from logits in one kernel (TensorFlow's
 * SoftmaxCrossEntropyWithLogits, which also gives the gradient softmax − targets). `logits` and
 * `targets` [batch, classes]. NaN logits give a NaN loss, so a diverged child still fails.
 */
export function softmaxCrossEntropy(tf: Tf, logits: Tensor2D, targets: Tensor2D): Scalar {
  const backend = nativeBackend(tf);
  const attrs: OpAttr[] = [{ name: 'T', type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT }];
  const op = tf.customGrad((features, save) => {
    const [losses, backprop] = backend.executeMultipleOutputs('SoftmaxCrossEntropyWithLogits', attrs, [features as Tensor, targets], 2); // [batch], [batch, classes]
    (save as unknown as GradSaveFunc)([backprop!]);
    return {
      value: tf.mean(losses!), // []
      gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(saved[0]!, tf.div(dy, logits.shape[0])), // [batch, classes]
    };
  });
  return op(logits) as Scalar;
}
