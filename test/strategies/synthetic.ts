// Helpers for the strategy tests: a synthetic reward with a single known optimum and a scripted random
// source whose every draw the test names. Not a test file, and not a stand-in for the real table.
import { encodeNb201, type Nb201Architecture } from '../../space/nb201';

const CONV_3X3 = 3; // NB201_OPS.indexOf('nor_conv_3x3')

/** reward = (edges that are nor_conv_3x3) / 6: additive, optimum 1 at the all-3x3 cell only. */
export function convCountReward(arch: Nb201Architecture): { reward: number } {
  return { reward: encodeNb201(arch).filter((t) => t === CONV_3X3).length / 6 };
}

export const isAllConv3x3 = (arch: Nb201Architecture) => convCountReward(arch).reward === 1;

/** A "random" source returning `draws` in order; throws when asked for more, so tests also count draws. */
export function scripted(draws: readonly number[]): { random: () => number; left: () => number } {
  let i = 0;
  return {
    random: () => {
      if (i >= draws.length) throw new Error(`scripted random: all ${draws.length} draws used`);
      return draws[i++]!;
    },
    left: () => draws.length - i,
  };
}

/** The draw that makes Math.floor(draw * n) pick `k` (the middle of its interval). */
export const pick = (k: number, n: number) => (k + 0.5) / n;
