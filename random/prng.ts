// Seeded pseudo-random numbers: every random choice the search makes (sampling, splits, shuffles,
// initialisations) comes from here, so the same seed replays the same search. Not cryptographic.

/** A mulberry32 stream; `state()` is all it remembers: mulberry32(s.state()) goes on exactly where s is. */
export interface Mulberry32 {
  (): number;
  state(): number;
}

/** mulberry32: a 32-bit generator, uniform in [0, 1). */
export function mulberry32(seed: number): Mulberry32 {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(next, { state: () => a });
}

/** Mixes several integers into one 32-bit seed (FNV-1a over their bytes), e.g. (seed, replica, iteration). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    let x = Math.trunc(part) >>> 0;
    for (let i = 0; i < 4; i++) {
      h ^= x & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      x >>>= 8;
    }
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle of 0..n-1 with the given generator. */
export function permutation(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
