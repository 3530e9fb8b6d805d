// Small word corpora for tests: a TextCorpus in memory with a learnable pattern, and the same text
// written as files in a temporary folder (PTB layout, plain or gzipped). Not data anyone should train on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { splitCorpus, type TextCorpus, whitespaceWords } from '../../data/text-corpus';

const WORDS = ['the', 'whale', 'swims', 'ship', 'sails', 'sea', 'is', 'deep', 'a', 'captain', 'calls'];

/** `lines` sentences drawn from a few fixed patterns (seeded by the line number): next words are predictable. */
export function tinyText(lines: number): string {
  const patterns = [[0, 1, 2], [0, 3, 4], [0, 5, 6, 7], [8, 9, 10], [0, 1, 6, 7]];
  return Array.from({ length: lines }, (_, i) => patterns[(i * 7 + (i >> 2)) % patterns.length]!.map((w) => WORDS[w]).join(' ')).join('\n');
}

export function tinyCorpus(lines = 300): TextCorpus {
  return splitCorpus(whitespaceWords(tinyText(lines)), { vocabularySize: 100, validFraction: 0.2, testFraction: 0.1 });
}

/** A folder with ptb.{train,valid,test}.txt (gzipped when asked) holding tiny text. */
export function writeTinyPtb(gzip: boolean): string {
  const folder = mkdtempSync(join(tmpdir(), 'nas-ptb-'));
  const splits: [string, number][] = [['train', 200], ['valid', 40], ['test', 40]];
  for (const [name, lines] of splits) {
    const text = `${tinyText(lines)}\n`;
    if (gzip) writeFileSync(join(folder, `ptb.${name}.txt.gz`), gzipSync(text));
    else writeFileSync(join(folder, `ptb.${name}.txt`), text);
  }
  return folder;
}
