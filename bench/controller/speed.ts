// How long one controller iteration takes (sample m architectures + their REINFORCE gradient), the
// plain-arithmetic controller (its matrix products in JavaScript, and as WebAssembly) against the
// former per-op tfjs one (test/support/tf-controller.ts),
// interleaved round by round so that a busy machine slows both alike. "replay" takes the gradient by
// replaying the tokens (the durable activities, which may update other parameters than they sampled
// from); "same pass" reuses the sampling pass (the in-process strategy). Prints wall and CPU ms per
// iteration (median and range over rounds). A benchmark: it never fails on its figures.
//   node dist/bench/controller/speed.js [--rounds 7] [--iterations 10] [--out FILE.md]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadTf } from '../../backend/tf';
import { searchConfigFrom } from '../../cli/config-input';
import { controllerSpec, type ControllerSpec } from '../../controller/controller';
import { useWasmKernels } from '../../controller/arena';
import { addProduct } from '../../controller/dense';
import { initialParameters } from '../../controller/parameters';
import { sampleBatch, sampleTokens, type SampledTokens } from '../../controller/sample';
import { reinforceGradient, reinforceGradientOfPass, type ScoredSample } from '../../reinforce/estimator';
import { SampledPasses } from '../../reinforce/sampled-passes';
import { depthAt } from '../../space/search-space';
import { tfReinforceGradient, tfSampleTokens } from '../../test/support/tf-controller';
import { report, runBench } from '../results-file';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1] ?? fallback;
}

interface Case {
  readonly name: string;
  readonly spec: ControllerSpec;
  readonly numLayers: number;
  readonly m: number;
  readonly entropyWeight: number;
}

function caseOf(name: string, preset: string, set: string[], numLayers?: number): Case {
  const { config } = searchConfigFrom({ preset, set: ['data.path=unused', ...set] });
  return { name, spec: controllerSpec(config), numLayers: numLayers ?? depthAt(config, 0), m: config.budget.childrenPerIteration, entropyWeight: config.controller.entropyWeight };
}

const scored = (samples: SampledTokens[]): ScoredSample[] => samples.map((s, k) => ({ tokens: s.tokens, advantage: k % 2 ? 0.3 : -0.2 }));

interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** ms per iteration, wall and CPU (user + system), over `iterations` iterations. */
function timed(iterations: number, iteration: (i: number) => void): Timing {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) iteration(i);
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / iterations, cpu: (used.user + used.system) / 1000 / iterations };
}

/**
 * What this machine gives this process right now, for scaling the figures: CPU ns per Math.exp and per
 * multiply-add of an [8, 35] · [35, 140] product (the LSTM's), each the median of `rounds` tries.
 */
function calibration(rounds: number): { exp: number; mac: number } {
  const xs = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i));
  const a = Float64Array.from({ length: 8 * 35 }, (_, i) => Math.cos(i));
  const w = Float64Array.from({ length: 35 * 140 }, (_, i) => Math.sin(3 * i));
  const out = new Float64Array(8 * 140);
  let sink = 0;
  const exp = Array.from({ length: rounds }, () => timed(200, () => { for (const x of xs) sink += Math.exp(x); }).cpu * 1e6 / 4096);
  const mac = Array.from({ length: rounds }, () => timed(2000, () => addProduct(out, 0, a, 0, 8, 35, w, 0, 140)).cpu * 1e6 / (8 * 35 * 140));
  if (sink === 42) process.stdout.write(' '); // keeps the loop from being optimised away
  return { exp: median(exp), mac: median(mac) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

async function main(): Promise<void> {
  const rounds = Number(flag('rounds', '7'));
  const iterations = Number(flag('iterations', '10'));
  const tf = loadTf('cpu');
  const cases = [
    caseOf('paper CNN, 6 layers, m = 8', 'paper', [], 6),
    caseOf('NAS-Bench-201 cell, m = 4', 'nb201', []),
    caseOf('recurrent cell (base 8), m = 4', 'cell', []),
  ];
  const lines = [
    `# Controller iteration time: plain arithmetic vs per-op tfjs (${new Date().toISOString().slice(0, 10)})`, '',
    `Command: \`node dist/bench/controller/speed.js ${process.argv.slice(2).join(' ')}\``,
    `One iteration = sample m architectures + their REINFORCE gradient. ${rounds} rounds of ${iterations} iterations of each kind, interleaved`,
    '(who goes first rotates by round); median (min–max) over rounds of ms per iteration. CPU = user + system time of this process (all its threads:',
    'tfjs-node runs several). Wall time counts the other jobs on the machine too; the CPU figures are the comparable ones.',
    '"replay" takes the gradient by replaying the tokens, as the durable activities do; "same pass" reuses the sampling pass.',
    '"JS" is the plain controller with its matrix products in JavaScript loops; "wasm" with them as controller/kernels.wat (bit-identical results).',
    '"kept pass" is the workflow\'s route when one worker process samples and updates (reinforce/sampled-passes.ts).', '',
    '| case | per-op tfjs CPU | JS replay CPU | JS same pass CPU | wasm replay CPU | wall | wasm same pass CPU | wall | wasm kept pass CPU | CPU speed-up of wasm: replay / same pass |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const before = calibration(rounds);
  for (const c of cases) {
    const params = initialParameters(c.spec.layout, 0.08, 1);
    const old = () => timed(iterations, (i) => {
      const samples = tfSampleTokens(tf, c.spec, params, c.numLayers, c.m, i);
      tfReinforceGradient(tf, c.spec, params, c.numLayers, scored(samples), c.entropyWeight);
    });
    const replay = (wasm: boolean) => () => {
      useWasmKernels(wasm);
      return timed(iterations, (i) => {
        const samples = sampleTokens(c.spec, params, c.numLayers, c.m, i);
        reinforceGradient(c.spec, params, c.numLayers, scored(samples), c.entropyWeight);
      });
    };
    const samePass = (wasm: boolean) => () => {
      useWasmKernels(wasm);
      return timed(iterations, (i) => {
        const { samples, pass } = sampleBatch(c.spec, params, c.numLayers, c.m, i);
        reinforceGradientOfPass(c.spec, pass, scored(samples).map((s) => s.advantage), c.entropyWeight);
      });
    };
    // The durable route when one worker process samples and updates: the sampling pass is kept and found again.
    const kept = () => {
      useWasmKernels(true);
      const passes = new SampledPasses();
      return timed(iterations, (i) => {
        const { samples, pass } = sampleBatch(c.spec, params, c.numLayers, c.m, i);
        passes.keep(String(i), params, c.numLayers, pass);
        const found = passes.find(String(i), params, c.numLayers, samples.map((s) => s.tokens))!;
        reinforceGradientOfPass(c.spec, found, scored(samples).map((s) => s.advantage), c.entropyWeight);
        passes.forget(String(i));
      });
    };
    const kinds = { old, jsReplay: replay(false), jsSamePass: samePass(false), replay: replay(true), samePass: samePass(true), kept };
    const names = Object.keys(kinds) as (keyof typeof kinds)[];
    const runs = Object.fromEntries(names.map((k) => [k, [] as Timing[]])) as Record<keyof typeof kinds, Timing[]>;
    for (const run of Object.values(kinds)) run(); // warm-up: tfjs kernels and V8's optimised code
    for (let r = 0; r < rounds; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]!); // rotate who goes first
      for (const kind of order) runs[kind].push(kinds[kind]());
    }
    useWasmKernels(true);
    const cpu = (kind: keyof typeof runs) => runs[kind].map((x) => x.cpu);
    const wall = (kind: keyof typeof runs) => runs[kind].map((x) => x.wall);
    lines.push(`| ${c.name} | ${spread(cpu('old'))} | ${spread(cpu('jsReplay'))} | ${spread(cpu('jsSamePass'))} | ${spread(cpu('replay'))} | ${spread(wall('replay'))} | ${spread(cpu('samePass'))} | ${spread(wall('samePass'))} | ${spread(cpu('kept'))} | `
      + `${(median(cpu('jsReplay')) / median(cpu('replay'))).toFixed(1)}× / ${(median(cpu('jsSamePass')) / median(cpu('samePass'))).toFixed(1)}× |`);
    process.stdout.write(`${lines.at(-1)}\n`);
  }
  const after = calibration(rounds);
  lines.push('', `Machine while it ran (CPU ns, median of ${rounds}; before / after the cases): Math.exp ${before.exp.toFixed(1)} / ${after.exp.toFixed(1)}, `
    + `one multiply-add of the LSTM's [8, 35]·[35, 140] product ${before.mac.toFixed(2)} / ${after.mac.toFixed(2)}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(', ')} (1, 5, 15 min) at the end.`);
  report(lines, flag('out', ''));
}

runBench(main);
