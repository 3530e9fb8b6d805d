// Backpropagation through time of the controller's forward pass (controller.ts): the gradient of
// Σ_k (a_k · log P_k + e_k · H_k) with respect to the flat parameters, for per-sample weights a and e
// on log-probability and entropy. Not REINFORCE itself: reinforce/estimator.ts chooses the weights.
import type { Alloc } from './arena';
import { controllerWeights, type ControllerPass, type ControllerSpec } from './controller';
import { addOuter, addProductTransposed, transpose, type Transposed } from './dense';
import { lstmBackward, lstmCarry } from './lstm';

export function controllerBackward(spec: ControllerSpec, pass: ControllerPass, onLogProb: Float64Array, onEntropy: Float64Array): Float64Array {
  const mark = pass.arena.mark(); // all this function allocates is given back at its end
  try {
    return Float64Array.from(backward(spec, pass, onLogProb, onEntropy, pass.arena.alloc));
  } finally {
    pass.arena.release(mark);
  }
}

function backward(spec: ControllerSpec, pass: ControllerPass, onLogProb: Float64Array, onEntropy: Float64Array, alloc: Alloc): Float64Array {
  const { m, weights, lstm, records } = pass;
  const { hiddenUnits: H, lstmLayers, temperature } = spec.controller;
  const flat = alloc(spec.layout.size);
  const grads = controllerWeights(spec, flat);
  // In an arena, the input gradients read transposed copies of the weights (dense.ts, addProductTransposed).
  const transposed = (w: Float64Array, cols: number): Transposed | undefined => (pass.arena.wasm ? transpose(w, cols, alloc) : undefined);
  const lstmT = weights.lstm.map(({ kernel }) => transposed(kernel, 4 * H));
  const headT = new Map([...weights.headKernel].map(([d, w]) => [d, transposed(w, w.length / H)]));
  const anchorT = weights.anchor && { wCurr: transposed(weights.anchor.wCurr, H), wPrev: transposed(weights.anchor.wPrev, H) };
  const carry = lstmCarry(lstmLayers, H, m, alloc);
  const dOut = alloc(m * H); // ∂/∂h of the top layer at step t
  const dInput = alloc(m * H); // ∂/∂(input of step t+1) until the LSTM backward of step t overwrites it; zero unless that input was dense
  const layers = records.filter((r) => r.kind === 'anchor').length;
  const dProjected = Array.from({ length: layers }, () => alloc(m * H)); // ∂/∂(W_prev·h_j), from every later anchor
  const dAnchorState = Array.from({ length: layers }, () => new Float64Array(m * H)); // ∂/∂h_j through later layers' inputs
  const dCurrent = alloc(m * H);
  const out = lstm.h[lstmLayers - 1]!;
  for (const table of pass.inputTables) table.gradient.fill(0);
  for (let t = records.length - 1; t >= 0; t--) {
    const rec = records[t]!;
    const outAt = t * m * H;
    const last = t === records.length - 1;
    dOut.fill(0);
    if (rec.kind === 'choice') {
      const { n, tokens, logp, probs } = rec; // the embedding that followed is in pass.inputTables
      // ∂log P/∂z = onehot − p; ∂H/∂z_j = −p_j (log p_j + H); z = logits / temperature.
      const dz = alloc(m * n);
      for (let r = 0; r < m; r++) {
        let entropy = 0;
        for (let j = 0; j < n; j++) entropy -= probs[r * n + j]! * logp[r * n + j]!;
        for (let j = 0; j < n; j++) {
          const p = probs[r * n + j]!;
          const dLogProb = (j === tokens[r] ? 1 : 0) - p;
          const dEntropy = -p * (logp[r * n + j]! + entropy);
          dz[r * n + j] = (onLogProb[r]! * dLogProb + onEntropy[r]! * dEntropy) / temperature;
        }
      }
      const gBias = grads.headBias.get(rec.decision)!;
      for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) gBias[j]! += dz[r * n + j]!;
      addOuter(grads.headKernel.get(rec.decision)!, 0, out, outAt, m, H, dz, 0, n);
      addProductTransposed(dOut, 0, dz, 0, m, n, weights.headKernel.get(rec.decision)!, 0, H, headT.get(rec.decision));
    } else {
      const { layer, tokens, logits, probs, scores } = rec;
      const anchor = weights.anchor!;
      const gAnchor = grads.anchor!;
      if (layer > 0) {
        if (!last) {
          for (let r = 0; r < m; r++) {
            let on = 0;
            for (let j = 0; j < layer; j++) on += tokens[r * layer + j]!;
            for (let j = 0; j < layer; j++) {
              if (tokens[r * layer + j] === 0) continue;
              const target = dAnchorState[j]!;
              for (let u = 0; u < H; u++) target[r * H + u]! += dInput[r * H + u]! / (1 + on);
            }
          }
        }
        // Per bit: ∂log P/∂x = b − σ(x); ∂H/∂x = −σ(x)(1 − σ(x))·x; x = vᵀ s / temperature, s = tanh(W_prev·h_j + W_curr·h_i).
        dCurrent.fill(0);
        for (let r = 0; r < m; r++) {
          for (let j = 0; j < layer; j++) {
            const i = r * layer + j;
            const p = probs[i]!;
            const dx = (onLogProb[r]! * (tokens[i]! - p) - onEntropy[r]! * p * (1 - p) * logits[i]!) / temperature;
            const dPrev = dProjected[j]!;
            for (let u = 0; u < H; u++) {
              const s = scores[i * H + u]!;
              gAnchor.v[u]! += dx * s;
              const e = dx * anchor.v[u]! * (1 - s * s);
              dPrev[r * H + u]! += e;
              dCurrent[r * H + u]! += e;
            }
          }
        }
        addOuter(gAnchor.wCurr, 0, out, outAt, m, H, dCurrent, 0, H);
        addProductTransposed(dOut, 0, dCurrent, 0, m, H, anchor.wCurr, 0, H, anchorT?.wCurr);
      }
      // Every later anchor has been visited: this layer's state now has all it feeds (their attention, their inputs).
      addOuter(gAnchor.wPrev, 0, out, outAt, m, H, dProjected[layer]!, 0, H);
      addProductTransposed(dOut, 0, dProjected[layer]!, 0, m, H, anchor.wPrev, 0, H, anchorT?.wPrev);
      const fromInputs = dAnchorState[layer]!;
      for (let s = 0; s < m * H; s++) dOut[s]! += fromInputs[s]!;
    }
    lstmBackward(lstm, weights.lstm, grads.lstm, t, dOut, carry, dInput, lstmT);
  }
  // The tables' rows are values · kernel[0:H] (lstm.ts, LstmInput): their gradient reaches both factors.
  const kernel = weights.lstm[0]!.kernel;
  for (const { slot, values, gradient } of pass.inputTables) {
    const n = values.length / H;
    addOuter(grads.lstm[0]!.kernel, 0, values, 0, n, H, gradient, 0, 4 * H);
    addProductTransposed(slot === 'go' ? grads.go : grads.embed.get(slot.embed)!, 0, gradient, 0, n, 4 * H, kernel, 0, H, lstmT[0]);
  }
  return flat;
}
