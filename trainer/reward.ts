// The reward a trained child returns to the controller. Pure arithmetic on validation accuracies
// (CNN) or perplexity (recurrent cell);
// not the baseline or advantage (reinforce/), which are computed from many rewards.

/**
 * Zoph & Le 2017, section 4.1: "the maximum validation accuracy of the last 5 epochs cubed".
 * `window` and `exponent` generalise the 5 and the 3. No epochs → 0.
 */
export function childReward(validationAccuracies: readonly number[], window: number, exponent: number): number {
  if (window < 1 || validationAccuracies.length === 0) return 0;
  return Math.max(...validationAccuracies.slice(-window)) ** exponent;
}

/**
 * Zoph & Le 2017, section 4.2: the recurrent cell's reward is c / (validation perplexity)², c = 80
 * in the paper. A perplexity that is not finite and positive scores 0.
 */
export function perplexityReward(perplexity: number, c: number): number {
  return Number.isFinite(perplexity) && perplexity > 0 ? c / perplexity ** 2 : 0;
}
