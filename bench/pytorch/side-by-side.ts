// Child training side by side (issue 11): this project's trainChild on tfjs-node against an
// equivalent PyTorch CPU loop (bench/pytorch/child.py), on the README's digits default and on
// paper-size children. First the equivalence check (bench/pytorch/equivalence.ts), then, per regime,
// one and then two processes per side at once (1 thread each), `rounds` rounds, the side that goes
// first alternating, each process in its own OS process. Prints figures and ratios; exits 1 when the
// two sides do not train the same network. Needs PyTorch: `bash bench/pytorch/setup.sh` (by hand only).
// Run: nice -n 19 node dist/bench/pytorch/side-by-side.js [--rounds 4] [--python <venv python>] [--out <file.md>]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadTf } from '../../backend/tf';
import { repoRoot } from '../../config/runtime';
import { report, runBench } from '../results-file';
import { checkDigitsRecipe, checkFirstSteps } from './equivalence';
import type { Job } from './job';
import { prepareRegime } from './prepare';
import { type Commands, runSide, type Side } from './processes';
import { DIGITS_DEFAULT, PAPER_SIZE } from './regimes';
import { CHILD_HEADER, childRows, type Round, roundLines, SUMMARY_HEADER, summaryRows } from './summary';

const SEED = 7;

const Args = z.object({
  rounds: z.coerce.number().int().positive().default(4),
  python: z.string().optional(),
  out: z.string().default(''),
}).strict();

function parseArgs(argv: readonly string[]): z.infer<typeof Args> {
  const named: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i]!.startsWith('--') || argv[i + 1] === undefined) throw new Error(`usage: side-by-side.js [--rounds N] [--python PATH] [--out FILE]; got ${argv.join(' ')}`);
    named[argv[i]!.slice(2)] = argv[i + 1]!;
  }
  const parsed = Args.safeParse(named);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  return parsed.data;
}

/** The venv bench/pytorch/setup.sh makes, unless --python names another. */
function pythonPath(given: string | undefined): string {
  const venv = process.env.PYTORCH_VENV ?? path.join(process.env.NAS_HOME ?? path.join(repoRoot(), '.nas'), 'cache', 'pytorch-venv');
  const python = given ?? path.join(venv, 'bin', 'python');
  if (!fs.existsSync(python)) throw new Error(`no PyTorch venv at ${python}: run \`bash bench/pytorch/setup.sh\` (about 5.4 GB) or pass --python`);
  return python;
}

const load = (): number => os.loadavg()[0]!;

/** `rounds` rounds of `copies` processes per side, alternating which side starts. */
async function measure(job: Job, copies: number, rounds: number, commands: Commands, label: string): Promise<Round[]> {
  const results: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: Side[] = r % 2 === 0 ? ['tfjs', 'pytorch'] : ['pytorch', 'tfjs'];
    const loads = [load()];
    const outcomes: Partial<Record<Side, Awaited<ReturnType<typeof runSide>>>> = {};
    for (const side of order) {
      outcomes[side] = await runSide(side, job, copies, commands);
      loads.push(load());
    }
    results.push({ tfjs: outcomes.tfjs!, pytorch: outcomes.pytorch!, load: loads });
    process.stderr.write(`${roundLines(label, results).at(-1)}\n`);
  }
  return results;
}

runBench(async () => {
  const args = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const commands: Commands = { python: pythonPath(args.python), childPy: path.join(root, 'bench', 'pytorch', 'child.py') };
  const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
  const tf = loadTf('cpu');
  const exchange = fs.mkdtempSync(path.join(os.tmpdir(), 'side-by-side-'));
  const startLoad = os.loadavg();
  const lines: string[] = [];
  try {
    const log = (...more: string[]): void => { lines.push(...more); process.stderr.write(`${more.join('\n')}\n`); };
    log('## Equivalence', '');
    const firstSteps = await checkFirstSteps(tf, exchange, SEED, commands);
    log(...firstSteps.lines, '');
    const prepared = new Map<string, Job>();
    for (const regime of [DIGITS_DEFAULT, PAPER_SIZE]) {
      const { data, children } = await prepareRegime(tf, regime, exchange, SEED);
      prepared.set(regime.name, { data, children, recipe: regime.recipe, seed: SEED, threads: 1, warmup: true, channelsLast: false });
    }
    const digitsRecipe = await checkDigitsRecipe(prepared.get(DIGITS_DEFAULT.name)!, commands);
    log(...digitsRecipe.lines, '');
    const versions = new Set<string>();
    const summary: string[] = [];
    const perChild: string[] = [];
    const roundsText: string[] = [];
    for (const regime of [DIGITS_DEFAULT, PAPER_SIZE]) {
      // PyTorch's channels-last layout is not its default; measured once, where convolutions dominate.
      const configurations = [{ copies: 1, channelsLast: false }, { copies: 2, channelsLast: false }];
      if (regime === PAPER_SIZE) configurations.push({ copies: 1, channelsLast: true });
      for (const { copies, channelsLast } of configurations) {
        const label = `${regime.name}, ${copies}${channelsLast ? ', PyTorch channels-last' : ''}`;
        const rounds = await measure({ ...prepared.get(regime.name)!, channelsLast }, copies, args.rounds, commands, label);
        rounds.forEach((r) => [...r.tfjs, ...r.pytorch].forEach((o) => versions.add(o.version)));
        summary.push(...summaryRows(label, rounds));
        perChild.push(...childRows(label, rounds));
        roundsText.push(...roundLines(label, rounds));
      }
    }
    const passed = firstSteps.passed && digitsRecipe.passed;
    const cpu = os.cpus();
    lines.unshift(
      '# Child training side by side: tfjs-node (trainChild) vs an equivalent PyTorch CPU loop',
      '',
      `${new Date().toISOString()}; commit ${commit}${dirty ? ' (with uncommitted changes)' : ''}; ${[...versions].sort().join(', ')}; node ${process.version}`,
      `command: nice -n 19 node ${path.relative(root, process.argv[1]!)} ${process.argv.slice(2).join(' ')}`,
      `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; load average at start ${startLoad.map((l) => l.toFixed(2)).join(' ')}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine)`,
      `every process 1 thread (TF_NUM_INTRAOP_THREADS = TF_NUM_INTEROP_THREADS = OMP_NUM_THREADS = 1; torch.set_num_threads(1)); seed ${SEED}; ` +
        `each process first trains its first child for one untimed epoch`,
      `digits default: ${describe(DIGITS_DEFAULT)}; paper-size: ${describe(PAPER_SIZE)}`,
      'children/hour: 3600 × children ÷ their wall seconds (build, every epoch and validation), summed over the processes running at once; ' +
        'steady images/s: training images from the end of epoch 1 to the end of the last epoch (validations included), likewise summed; ' +
        'children/CPU-hour: 3600 × children ÷ the CPU seconds (all threads) their processes spent on them',
      '',
      `Equivalence: ${passed ? 'PASSED' : 'FAILED'} (details below)`,
      '',
      '## Throughput',
      '',
      ...SUMMARY_HEADER, ...summary, '',
      ...CHILD_HEADER, ...perChild, '',
      'Rounds:', ...roundsText, '',
    );
    report(lines, args.out);
    if (!passed) {
      process.stderr.write('the two sides did not train the same network (see Equivalence): exit 1\n');
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(exchange, { recursive: true, force: true });
  }
});

function describe(regime: typeof DIGITS_DEFAULT): string {
  const { recipe, data } = regime;
  const images = data.kind === 'digits'
    ? 'embedded digits 14×14×1, 1,000 train / 500 validation'
    : `synthetic ${data.size}×${data.size}×${data.channels}, ${data.train} train / ${data.valid} validation`;
  const optimizer = recipe.optimizer === 'adam' ? `Adam ${recipe.learningRate}` : `Nesterov SGD ${recipe.learningRate} (momentum ${recipe.momentum}), weight decay ${recipe.weightDecay}`;
  return `${images}, batch ${recipe.batchSize}, ${recipe.epochs} epochs of ${optimizer}, ${Object.keys(regime.children).length} children (${Object.keys(regime.children).join('; ')})`;
}
