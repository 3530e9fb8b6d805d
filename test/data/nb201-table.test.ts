// The NAS-Bench-201 table loader: the shared CIFAR-10 table (skipped when ../shared/data is absent) and
// tiny CSVs written here for every error path. Not a test of any search strategy.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../../config/runtime';
import { createNb201Table, loadNb201Table, nb201DatasetOf, parseNb201Csv } from '../../data/nb201-table';
import { DatasetNotFoundError, InvalidArchitectureError, InvalidDatasetError } from '../../errors';
import { decodeNb201, fromCellString, toCellString } from '../../space/nb201';
import { tempFolder } from './fixtures';

const SHARED_TABLE = path.join(repoRoot(), '..', 'shared', 'data', 'nas-bench-201', 'cifar10.csv.gz');
const sharedMissing = existsSync(SHARED_TABLE) ? false : `${SHARED_TABLE} is absent (see ../shared/data/README.md)`;

const CELL_A = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
const CELL_B = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
const CELL_C = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';
// Columns shuffled, plus one the loader must ignore.
const TINY = [
  'arch,test_acc_200ep,note,valid_acc_200ep,index,valid_acc_12ep,params_m',
  `${CELL_A},94.3733,best,91.6067,6111,84.3840,1.0735`,
  `${CELL_B},10.0000,empty,10.0000,0,10.0000,0.0`,
  `${CELL_C},85.8633,,81.9827,1,63.3640,0.1293`,
  '',
].join('\n');

async function writeTiny(name: string, text: string): Promise<string> {
  const file = path.join(await tempFolder(), name);
  await writeFile(file, name.endsWith('.gz') ? gzipSync(text) : text);
  return file;
}

test('the CIFAR-10 table: 15,625 cells whose cell strings round-trip, best valid_acc_200ep 91.6067 at 6111 (test 94.3733)', { skip: sharedMissing }, async () => {
  const table = await loadNb201Table(SHARED_TABLE);
  assert.equal(table.size, 15625);
  assert.deepEqual(table.rows.map((r) => r.index), Array.from({ length: 15625 }, (_, i) => i));
  for (const row of table.rows) {
    assert.equal(toCellString(fromCellString(row.cell)), row.cell);
    assert.equal(table.lookup(fromCellString(row.cell)), row);
  }
  const best = table.best('valid_acc_200ep');
  assert.deepEqual([best.index, best.valid_acc_200ep, best.test_acc_200ep], [6111, 91.6067, 94.3733]);
  // Percentages kept as the file gives them.
  assert.ok(table.rows.every((r) => r.valid_acc_12ep > 1 && r.test_acc_200ep <= 100));
});

test('a tiny CSV in any column order, with an extra column; lookup and best by each accuracy', async () => {
  const table = await loadNb201Table(await writeTiny('tiny.csv', TINY));
  assert.equal(table.size, 3);
  assert.deepEqual(table.rows.map((r) => r.index), [6111, 0, 1]);
  const row = table.lookup(fromCellString(CELL_C));
  assert.deepEqual({ ...row, arch: undefined }, { index: 1, arch: undefined, cell: CELL_C, params_m: 0.1293, valid_acc_12ep: 63.364, valid_acc_200ep: 81.9827, test_acc_200ep: 85.8633 });
  assert.equal(table.best('valid_acc_12ep').index, 6111);
  assert.equal(table.best('test_acc_200ep').index, 6111);
});

test('the .gz variant reads the same rows', async () => {
  const plain = await loadNb201Table(await writeTiny('tiny.csv', TINY));
  const gz = await loadNb201Table(await writeTiny('tiny.csv.gz', TINY));
  assert.deepEqual(gz.rows, plain.rows);
});

test('best breaks ties by the earliest row', () => {
  const table = parseNb201Csv(TINY.replace('10.0000,empty,10.0000,0,10.0000', '94.3733,tie,91.6067,0,84.3840'), 'tie.csv');
  assert.equal(table.best('valid_acc_200ep').index, 6111);
});

test('a missing file is a DatasetNotFoundError naming the path', async () => {
  const file = path.join(await tempFolder(), 'nope.csv.gz');
  await assert.rejects(loadNb201Table(file), (err: Error) => err instanceof DatasetNotFoundError && err.message.includes(file));
});

test('missing columns are an InvalidDatasetError naming them', () => {
  const text = TINY.replace(',valid_acc_12ep,', ',twelve,').replace('arch,', 'cell,');
  assert.throws(() => parseNb201Csv(text, 'm.csv'), (err: Error) => err instanceof InvalidDatasetError && /missing column\(s\) arch, valid_acc_12ep/.test(err.message));
});

test('an unparsable cell string is an InvalidDatasetError naming the line and quoting the architecture error', () => {
  const text = TINY.replace(CELL_C, CELL_C.replace('skip_connect~2', 'conv_5x5~2'));
  assert.throws(() => parseNb201Csv(text, 'bad.csv'), (err: Error) =>
    err instanceof InvalidDatasetError && err.message.startsWith('bad.csv line 4:') && err.message.includes('unknown operation "conv_5x5"'));
});

test('a non-numeric value, a wrong field count, a duplicate cell and an empty table are InvalidDatasetErrors', () => {
  const cases: [string, RegExp][] = [
    [TINY.replace('85.8633', '85.8x'), /line 4: test_acc_200ep "85.8x" is not a number/],
    [TINY.replace('1.0735', ''), /line 2: params_m "" is not a number/],
    [TINY.replace(',best,', ',best,,'), /line 2: 8 fields, the header has 7/],
    [TINY.replace(`${CELL_B},10.0000,empty,10.0000,0`, `${CELL_A},10.0000,empty,10.0000,0`), /cell .* appears twice \(indices 6111 and 0\)/],
    [TINY.split('\n')[0]!, /no rows/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseNb201Csv(text, 't.csv'), (err: Error) => err instanceof InvalidDatasetError && message.test(err.message), String(message));
  }
});

test('looking up a cell the table lacks is an InvalidArchitectureError naming the cell string', () => {
  const table = parseNb201Csv(TINY, 'tiny.csv');
  const absent = decodeNb201([3, 3, 3, 3, 3, 3]);
  assert.throws(() => table.lookup(absent), (err: Error) => err instanceof InvalidArchitectureError && err.message.includes(toCellString(absent)));
});

test('createNb201Table rejects a repeated index', () => {
  const row = parseNb201Csv(TINY, 'tiny.csv').rows[1]!;
  const other = { ...row, arch: fromCellString(CELL_A), cell: CELL_A };
  assert.throws(() => createNb201Table([row, other], 'mem'), /index 0 appears twice/);
});

test('a folder given as the table is a DatasetNotFoundError naming it, not a bare EISDIR retried', async () => {
  const folder = await tempFolder();
  await assert.rejects(loadNb201Table(folder), (err: Error) => err.name === 'DatasetNotFoundError' && err.message.includes(folder) && /is a folder/.test(err.message));
});

test('a table names its data set by its file name, as the benchmark names its tables; any other name stands for itself', () => {
  assert.deepEqual(nb201DatasetOf(SHARED_TABLE), { id: 'cifar10', name: 'CIFAR-10' });
  assert.deepEqual(nb201DatasetOf('/t/cifar100.csv'), { id: 'cifar100', name: 'CIFAR-100' });
  assert.deepEqual(nb201DatasetOf('ImageNet16-120.csv.gz'), { id: 'imagenet16-120', name: 'ImageNet16-120' });
  assert.deepEqual(nb201DatasetOf('/t/cifar10-valid.csv.gz'), { id: 'cifar10-valid', name: 'cifar10-valid' });
  assert.deepEqual(nb201DatasetOf('synthetic'), { id: 'synthetic', name: 'synthetic' });
});
