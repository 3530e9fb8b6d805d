// The NAS-Bench-201 tabular benchmark (Dong & Yang, ICLR 2020) as a lookup table: one row per cell,
// read from a CSV (plain or .gz) with the columns of ../shared/data/README.md. It trains nothing and
// knows no search strategy; accuracies stay percentages exactly as the file gives them (93.7, not 0.937).
import { basename, dirname } from 'node:path';
import { DatasetNotFoundError, InvalidArchitectureError, InvalidDatasetError } from '../errors';
import { fromCellString, toCellString, type Nb201Architecture } from '../space/nb201';
import { readIfExists } from './files';

export const NB201_TABLE_COLUMNS = ['index', 'arch', 'params_m', 'valid_acc_12ep', 'valid_acc_200ep', 'test_acc_200ep'] as const;
const NUMERIC_COLUMNS = ['params_m', 'valid_acc_12ep', 'valid_acc_200ep', 'test_acc_200ep'] as const;

/** The accuracy columns, in percent: what `best` can rank by. */
export type Nb201AccuracyColumn = 'valid_acc_12ep' | 'valid_acc_200ep' | 'test_acc_200ep';

/** One benchmark cell; property names are the file's column names. */
export interface Nb201Row {
  /** The benchmark's architecture index (0..15624 in the released table). */
  readonly index: number;
  readonly arch: Nb201Architecture;
  /** `toCellString(arch)`: the lookup key. */
  readonly cell: string;
  /** Parameters, millions. */
  readonly params_m: number;
  /** Validation accuracy (%) after 12 epochs: the reward the benchmark's paper gave search strategies. */
  readonly valid_acc_12ep: number;
  /** Validation accuracy (%) after 200 epochs. */
  readonly valid_acc_200ep: number;
  /** Test accuracy (%) after 200 epochs: for reporting only, never for searching. */
  readonly test_acc_200ep: number;
}

export interface Nb201Table {
  /** Where the rows came from (a path, or a name for tables built in memory). */
  readonly source: string;
  readonly size: number;
  /** In file order. */
  readonly rows: readonly Nb201Row[];
  /** The row of `arch`; InvalidArchitectureError naming the cell string when the table lacks it. */
  lookup(arch: Nb201Architecture): Nb201Row;
  /** The row with the highest value in `column`; ties go to the earliest row in file order. */
  best(column: Nb201AccuracyColumn): Nb201Row;
}

/** A table's data set: `id` as the benchmark's files name it (cifar100), `name` for people (CIFAR-100). */
export interface Nb201Dataset {
  readonly id: string;
  readonly name: string;
}

/** The benchmark's data sets, by the file stem its tables go by (cifar10.csv.gz). */
const NB201_DATASETS: Readonly<Record<string, string>> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120' };

/**
 * The data set a table holds, read from its file name: the format has no data-set column, and every
 * data set's table has the same columns. A stem the benchmark does not use names itself (id = name = stem).
 */
export function nb201DatasetOf(source: string): Nb201Dataset {
  const stem = basename(source).replace(/\.gz$/i, '').replace(/\.csv$/i, '');
  const name = NB201_DATASETS[stem.toLowerCase()];
  return name ? { id: stem.toLowerCase(), name } : { id: stem, name: stem };
}

/** Reads a table from `path` (gunzipped when it ends in .gz). */
export async function loadNb201Table(path: string): Promise<Nb201Table> {
  const file = await readIfExists(dirname(path), basename(path));
  if (!file) throw new DatasetNotFoundError(`NAS-Bench-201 table ${path} does not exist`);
  return parseNb201Csv(Buffer.from(file.bytes).toString('utf8'), path);
}

/**
 * Parses the CSV text: a header naming at least NB201_TABLE_COLUMNS in any order (extra columns are
 * ignored), then one row a line. Plain comma splitting: no field of this format is ever quoted.
 */
export function parseNb201Csv(text: string, source: string): Nb201Table {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  const missing = NB201_TABLE_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) throw new InvalidDatasetError(`${source}: missing column(s) ${missing.join(', ')} (header: "${lines[0] ?? ''}")`);
  const at = Object.fromEntries(NB201_TABLE_COLUMNS.map((name) => [name, header.indexOf(name)])) as Record<(typeof NB201_TABLE_COLUMNS)[number], number>;
  const rows: Nb201Row[] = [];
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const where = `${source} line ${i + 1}`;
    const fields = line.split(',');
    if (fields.length !== header.length) throw new InvalidDatasetError(`${where}: ${fields.length} fields, the header has ${header.length}`);
    let arch: Nb201Architecture;
    try {
      arch = fromCellString(fields[at.arch]!.trim());
    } catch (err) {
      if (err instanceof InvalidArchitectureError) throw new InvalidDatasetError(`${where}: ${err.message}`);
      throw err;
    }
    const number = (column: string, value: string): number => {
      const parsed = value.trim() === '' ? NaN : Number(value);
      if (!Number.isFinite(parsed)) throw new InvalidDatasetError(`${where}: ${column} "${value}" is not a number`);
      return parsed;
    };
    const index = number('index', fields[at.index]!);
    if (!Number.isInteger(index) || index < 0) throw new InvalidDatasetError(`${where}: index "${fields[at.index]}" is not a non-negative integer`);
    const values = Object.fromEntries(NUMERIC_COLUMNS.map((c) => [c, number(c, fields[at[c]]!)])) as Record<(typeof NUMERIC_COLUMNS)[number], number>;
    rows.push(Object.freeze({ index, arch, cell: toCellString(arch), ...values }));
  });
  return createNb201Table(rows, source);
}

/** A table over rows already in memory (synthetic tables in tests); duplicate cells or indices are an InvalidDatasetError. */
export function createNb201Table(rows: readonly Nb201Row[], source: string): Nb201Table {
  if (rows.length === 0) throw new InvalidDatasetError(`${source}: the table has no rows`);
  const byCell = new Map<string, Nb201Row>();
  const indices = new Set<number>();
  for (const row of rows) {
    const earlier = byCell.get(row.cell);
    if (earlier) throw new InvalidDatasetError(`${source}: cell ${row.cell} appears twice (indices ${earlier.index} and ${row.index})`);
    if (indices.has(row.index)) throw new InvalidDatasetError(`${source}: index ${row.index} appears twice`);
    byCell.set(row.cell, row);
    indices.add(row.index);
  }
  const frozen = Object.freeze([...rows]);
  const bests = new Map<Nb201AccuracyColumn, Nb201Row>();
  return {
    source,
    size: frozen.length,
    rows: frozen,
    lookup(arch) {
      const cell = toCellString(arch);
      const row = byCell.get(cell);
      if (!row) throw new InvalidArchitectureError(`cell "${cell}" is not in the NAS-Bench-201 table ${source}`);
      return row;
    },
    best(column) {
      let best = bests.get(column);
      if (!best) {
        best = frozen.reduce((a, b) => (b[column] > a[column] ? b : a));
        bests.set(column, best);
      }
      return best;
    },
  };
}
