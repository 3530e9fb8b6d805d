// The Penn Treebank language-modelling files of Mikolov et al.: ptb.{train,valid,test}.txt (plain
// or .gz) in a folder the user gives, already lowercased with `<unk>` for rare words. The vocabulary
// is every word of train; `<eos>` ends each line. Does not download anything.
import { DatasetNotFoundError } from '../errors';
import { readFirstOf, requireFolder } from './files';
import { buildVocabulary, encodeWords, type TextCorpus, whitespaceWords } from './text-corpus';

export const PTB_SPLITS = ['train', 'valid', 'test'] as const;

/** The names a split's file may have, in the order they are looked for. */
export function ptbFiles(split: string): string[] {
  return [`ptb.${split}.txt`, `ptb.${split}.txt.gz`];
}

export async function readPtb(folder: string): Promise<TextCorpus> {
  await requireFolder(folder, 'ptb (data.path)');
  const split = async (name: string): Promise<string[]> => {
    const file = await readFirstOf(folder, ptbFiles(name)).catch((err: unknown) => {
      if (err instanceof DatasetNotFoundError) throw new DatasetNotFoundError(`data.path ${folder} is not a Penn Treebank folder: ${err.message}`);
      throw err;
    });
    return whitespaceWords(Buffer.from(file.bytes).toString('utf8'));
  };
  const [train, valid, test] = [await split('train'), await split('valid'), await split('test')];
  const vocabulary = buildVocabulary(train, Number.MAX_SAFE_INTEGER);
  return { vocabulary, train: encodeWords(train, vocabulary), valid: encodeWords(valid, vocabulary), test: encodeWords(test, vocabulary) };
}
