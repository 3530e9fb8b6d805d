// Text corpora from files written in a temporary folder: PTB (plain and .gz, `<eos>` per line, the
// vocabulary from train), any plain text (capped vocabulary, `<unk>`, ordered splits), the embedded
// Moby Dick, and missing paths named in DatasetNotFoundError.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataConfig, type TextDataConfig } from '../../config/search-config';
import { readPtb } from '../../data/ptb';
import { readTextFile } from '../../data/text';
import { EOS, proseWords, UNK, buildVocabulary } from '../../data/text-corpus';
import { loadTextCorpus } from '../../data/text-load';
import { DatasetNotFoundError } from '../../errors';
import { writeTinyPtb } from '../support/tiny-corpus';

const words = (vocabulary: readonly string[], ids: Int32Array) => Array.from(ids, (i) => vocabulary[i]!);

// Every folder this file writes, removed when it ends: tests leave nothing in the temporary directory.
const folders: string[] = [];
const scratch = (folder: string): string => { folders.push(folder); return folder; };
after(() => { for (const folder of folders) rmSync(folder, { recursive: true, force: true }); });

test('PTB: one <eos> per line, the vocabulary from train, unseen valid words become <unk>', async () => {
  const folder = scratch(mkdtempSync(join(tmpdir(), 'nas-ptb-')));
  writeFileSync(join(folder, 'ptb.train.txt'), ' the cat sat \n the dog <unk> sat\n\n');
  writeFileSync(join(folder, 'ptb.valid.txt'), ' the bird sat \n');
  writeFileSync(join(folder, 'ptb.test.txt.gz'), gzipSync(' a cat \n'));
  const corpus = await readPtb(folder);
  // frequency order: sat 2, the 2 (ties alphabetical), cat 1, dog 1
  assert.deepEqual(corpus.vocabulary, [EOS, UNK, 'sat', 'the', 'cat', 'dog']);
  assert.deepEqual(words(corpus.vocabulary, corpus.train), ['the', 'cat', 'sat', EOS, 'the', 'dog', UNK, 'sat', EOS]);
  assert.deepEqual(words(corpus.vocabulary, corpus.valid), ['the', UNK, 'sat', EOS]);
  assert.deepEqual(words(corpus.vocabulary, corpus.test), [UNK, 'cat', EOS]);
});

test('PTB gzipped and plain give the same corpus', async () => {
  assert.deepEqual(await readPtb(scratch(writeTinyPtb(true))), await readPtb(scratch(writeTinyPtb(false))));
});

test('missing folders and files are DatasetNotFoundErrors naming the path', async () => {
  await assert.rejects(readPtb('/no/such/ptb'), (e: Error) => e instanceof DatasetNotFoundError && /\/no\/such\/ptb/.test(e.message) && /data\.path/.test(e.message));
  const empty = scratch(mkdtempSync(join(tmpdir(), 'nas-ptb-')));
  await assert.rejects(readPtb(empty), (e: Error) => e instanceof DatasetNotFoundError && e.message.includes(empty) && /ptb\.train\.txt/.test(e.message));
  const text = DataConfig.parse({ source: 'text', path: '/no/such/book.txt' }) as TextDataConfig;
  await assert.rejects(loadTextCorpus(text), (e: Error) => e instanceof DatasetNotFoundError && /data\.path \/no\/such\/book\.txt/.test(e.message));
  const moby = DataConfig.parse({ source: 'mobyDick', path: '/no/such/moby' }) as TextDataConfig;
  await assert.rejects(loadTextCorpus(moby), (e: Error) => e instanceof DatasetNotFoundError && /\/no\/such\/moby/.test(e.message));
});

test('plain text: words and punctuation, lowercased, vocabulary capped with <unk>, ordered splits', async () => {
  assert.deepEqual(proseWords('Call me Ishmael. Some years ago—never mind\n\nwhale’s  tail!', true),
    ['call', 'me', 'ishmael', '.', 'some', 'years', 'ago', 'never', 'mind', EOS, 'whale’s', 'tail', '!', EOS]);
  assert.deepEqual(buildVocabulary(['b', 'a', 'b', 'c', 'c', 'c', EOS], 4), [EOS, UNK, 'c', 'b']);
  const folder = scratch(mkdtempSync(join(tmpdir(), 'nas-text-')));
  const line = 'the whale the sea the ship a whale\n';
  writeFileSync(join(folder, 'book.txt.gz'), gzipSync(line.repeat(10)));
  const corpus = await readTextFile(join(folder, 'book.txt.gz'), { vocabularySize: 4, lowercase: true, validFraction: 0.2, testFraction: 0.1 });
  assert.deepEqual(corpus.vocabulary, [EOS, UNK, 'the', 'whale']);
  assert.equal(corpus.train.length + corpus.valid.length + corpus.test.length, 90);
  assert.deepEqual([corpus.valid.length, corpus.test.length], [18, 9]);
  assert.deepEqual(words(corpus.vocabulary, corpus.train.subarray(0, 9)), ['the', 'whale', 'the', UNK, 'the', UNK, UNK, 'whale', EOS]);
});

test('the embedded default is Moby Dick, read from the installed package, loaded once per config', async () => {
  const config = DataConfig.parse({ source: 'mobyDick' }) as TextDataConfig;
  const corpus = await loadTextCorpus(config);
  assert.equal(corpus.vocabulary.length, 10000);
  assert.ok(corpus.train.length > 200_000, `${corpus.train.length} train words`);
  assert.deepEqual(words(corpus.vocabulary, corpus.train.subarray(0, 4)), ['contents', EOS, 'etymology', '.']);
  assert.equal(await loadTextCorpus(config), corpus, 'cached');
});
