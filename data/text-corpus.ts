// A word-level corpus as the language-model child reads it: a vocabulary and three streams of word
// ids, `<eos>` ending every line. Pure functions from text to ids; reading files is ptb.ts / text.ts.

export const EOS = '<eos>';
export const UNK = '<unk>';

export interface TextCorpus {
  /** Word of each id; always holds `<eos>` and `<unk>`. */
  vocabulary: readonly string[];
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

/** Words of each line, split on whitespace, then `<eos>` (PTB's convention); blank lines are skipped. */
export function whitespaceWords(text: string): string[] {
  const words: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const tokens = line.split(/\s+/).filter((w) => w.length > 0);
    if (tokens.length === 0) continue;
    words.push(...tokens, EOS);
  }
  return words;
}

/** Prose into words: letters/digits (with inner apostrophes) and . , ; : ! ? as tokens, `<eos>` per non-blank line. */
export function proseWords(text: string, lowercase: boolean): string[] {
  const words: string[] = [];
  const pattern = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[.,;:!?]/gu;
  for (const line of text.split(/\r?\n/)) {
    const tokens = (lowercase ? line.toLowerCase() : line).match(pattern);
    if (!tokens) continue;
    words.push(...tokens, EOS);
  }
  return words;
}

/**
 * The `size` most frequent words of `words` (ties broken alphabetically, so the ids are stable),
 * `<eos>` and `<unk>` always among them.
 */
export function buildVocabulary(words: readonly string[], size: number): string[] {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  counts.delete(EOS);
  counts.delete(UNK);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [EOS, UNK, ...ranked.slice(0, Math.max(0, size - 2)).map(([w]) => w)];
}

/** Word ids; a word outside the vocabulary becomes `<unk>`. */
export function encodeWords(words: readonly string[], vocabulary: readonly string[]): Int32Array {
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const unk = index.get(UNK)!;
  return Int32Array.from(words, (w) => index.get(w) ?? unk);
}

/** Contiguous splits of one word stream (train, then valid, then test), the vocabulary from train only. */
export function splitCorpus(words: readonly string[], options: { vocabularySize: number; validFraction: number; testFraction: number }): TextCorpus {
  const validCount = Math.floor(words.length * options.validFraction);
  const testCount = Math.floor(words.length * options.testFraction);
  const trainCount = words.length - validCount - testCount;
  const train = words.slice(0, trainCount);
  const vocabulary = buildVocabulary(train, options.vocabularySize);
  return {
    vocabulary,
    train: encodeWords(train, vocabulary),
    valid: encodeWords(words.slice(trainCount, trainCount + validCount), vocabulary),
    test: encodeWords(words.slice(trainCount + validCount), vocabulary),
  };
}
