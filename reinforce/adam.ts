// Adam (Kingma & Ba 2015) over a flat slice of the controller's parameters. Working on plain
// arrays lets each parameter-store shard apply its own slice of a gradient independently.

export interface AdamSlots {
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Number of updates applied so far to this slice. */
  readonly step: number;
}

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export function emptySlots(size: number): AdamSlots {
  return { m: new Float32Array(size), v: new Float32Array(size), step: 0 };
}

/** One descent step on `params` along `gradient`; returns new arrays, the inputs are untouched. */
export function adamStep(params: Float32Array, gradient: Float32Array, slots: AdamSlots, options: AdamOptions): { params: Float32Array; slots: AdamSlots } {
  if (params.length !== gradient.length || params.length !== slots.m.length) {
    throw new Error(`adam: sizes differ (params ${params.length}, gradient ${gradient.length}, slots ${slots.m.length})`);
  }
  const { learningRate: lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = options;
  const step = slots.step + 1;
  const m = new Float32Array(params.length);
  const v = new Float32Array(params.length);
  const next = new Float32Array(params.length);
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  for (let i = 0; i < params.length; i++) {
    const g = gradient[i]!;
    m[i] = beta1 * slots.m[i]! + (1 - beta1) * g;
    v[i] = beta2 * slots.v[i]! + (1 - beta2) * g * g;
    next[i] = params[i]! - (lr * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + epsilon);
  }
  return { params: next, slots: { m, v, step } };
}

export function l2Norm(xs: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]! * xs[i]!;
  return Math.sqrt(sum);
}
