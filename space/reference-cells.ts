// Two well-known recurrent cells written in the cell search space (section 3.4): the LSTM (base 8)
// and the vanilla RNN (base 2). With the right weights (test/child/rnn-cell.test.ts) they compute
// exactly their textbook formulas; benchmarks use the LSTM as the hand-written baseline.
import { type RnnActivation, type RnnCellArchitecture, type RnnCombination, validateRnnCell } from './rnn-cell';

const node = (combination: RnnCombination, activation: RnnActivation) => ({ combination, activation });

/**
 * Leaves (pre = combine(W·x, U·h) + b): L0 = f, L2 = i, L4 = o (add, sigmoid), L3 = g (add, tanh);
 * L1, L5, L6, L7 are the constant 1 when W = U = 0 and b = 1 (add, identity).
 * Inject at L0 (elemMult, identity): f ⊙ c_{t-1}. N8 = L0·L1 = f ⊙ c_{t-1}; N9 = L2·L3 = i ⊙ g;
 * N12 = N8 + N9 = c_t (its pre-activation, cell index 12), then tanh; N10 = o, N11 = 1, N13 = o;
 * root N14 = tanh(c_t) ⊙ o = h_t.
 */
export function lstmCell(): RnnCellArchitecture {
  const gate = node('add', 'sigmoid');
  const one = node('add', 'identity');
  const mult = node('elemMult', 'identity');
  return validateRnnCell({
    kind: 'rnnCell',
    base: 8,
    nodes: [gate, one, gate, node('add', 'tanh'), gate, one, one, one, mult, mult, mult, mult, node('add', 'tanh'), mult, mult],
    inject: mult,
    cellIndices: [12, 0],
  });
}

/** The LSTM's leaves held at 1 (leaf → value) for it to be, and stay, an LSTM (see lstmCell). */
export const LSTM_CONSTANT_LEAVES: Readonly<Record<number, number>> = { 1: 1, 5: 1, 6: 1, 7: 1 };

/** The vanilla RNN's leaf held at 0 (see vanillaRnnCell). */
export const VANILLA_RNN_CONSTANT_LEAVES: Readonly<Record<number, number>> = { 1: 0 };

/**
 * L0 = tanh(W·x_t + U·h_{t-1} + b) (add, tanh); L1 is the constant 0 when W = U = 0 and b = 0
 * (add, identity). Inject at L1 (elemMult, identity) multiplies c_{t-1} by that 0; c_t is L1's
 * pre-activation, 0; root = L0 + 0 (add, identity) = h_t.
 */
export function vanillaRnnCell(): RnnCellArchitecture {
  return validateRnnCell({
    kind: 'rnnCell',
    base: 2,
    nodes: [node('add', 'tanh'), node('add', 'identity'), node('add', 'identity')],
    inject: node('elemMult', 'identity'),
    cellIndices: [1, 1],
  });
}
