// The GPU check an operator runs on an NVIDIA machine (bench/gpu/check.sh sets it up): the binding
// sees the GPU, training ops are placed on it, children per hour GPU vs CPU for a digits-size and a
// paper-size child, and device memory flat over 50 children. Each measurement is a process of its own
// (bench/gpu/measure.ts). Prints figures and a verdict per check; the times are budgets, not assertions.
// Run: node dist/bench/gpu/check.js   (GPU_CHECK_SCALE=0.1 shortens every budget, for a smoke run)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const MEASURE = path.join(__dirname, 'measure.js');
const device = process.env.CUDA_VISIBLE_DEVICES ?? '0'; // the one GPU a GPU worker sees (nas worker --device N)
const scale = Number(process.env.GPU_CHECK_SCALE ?? '1');
const seconds = (s: number) => Math.max(5, Math.round(s * scale));

interface Figures { numTensors: number; numBytes: number; nativeTensors: number | null }
interface Result {
  usingGpu: boolean; tensorflow: string | null; library: string | null;
  children?: number; seconds?: number; childrenPerHour: number; start?: Figures;
  memory?: { child: number; figures: Figures; processMiB: number | null; deviceMiB: number | null }[];
  imagesPerSecond?: number; childSeconds?: number;
}

/** Runs one measurement; returns its RESULT and its stderr. */
function measure(part: string, backend: 'cpu' | 'gpu', options: object, extraEnv: NodeJS.ProcessEnv = {}): { result: Result; stderr: string } {
  const started = Date.now();
  const out = spawnSync(process.execPath, [MEASURE, part, backend, JSON.stringify(options)], {
    env: { ...process.env, CUDA_VISIBLE_DEVICES: device, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (out.status !== 0 || !line) throw new Error(`${part} on ${backend} failed (exit ${out.status}):\n${out.stderr.slice(-4000)}`);
  console.log(`  (${part} on ${backend}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return { result: JSON.parse(line.slice('RESULT '.length)) as Result, stderr: out.stderr };
}

const verdicts: { check: string; ok: boolean }[] = [];
function verdict(check: string, ok: boolean, detail: string): void {
  verdicts.push({ check, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${check}: ${detail}`);
}

function main(): number {
  console.log(`GPU check on ${os.hostname()}, CUDA_VISIBLE_DEVICES=${device}, ${os.cpus().length} cores, budgets ×${scale}`);
  const smi = spawnSync('nvidia-smi', ['-i', device, '--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' });
  console.log(`nvidia-smi: ${smi.status === 0 ? smi.stdout.trim() : 'not available'}`);

  // 1. The binding sees the GPU, and where TensorFlow places the training ops (its placement log).
  const probe = measure('probe', 'gpu', {}, { TF_CPP_MIN_LOG_LEVEL: '0', TF_CPP_VMODULE: 'execute=1' });
  console.log(`tensorflow ${probe.result.tensorflow} from ${probe.result.library}`);
  verdict('binding sees the GPU', probe.result.usingGpu, `isUsingGpuDevice() = ${probe.result.usingGpu}`);
  // Op names as the kernels run them, without the CPU build's oneDNN prefix (_MklNativeConv2D is Conv2D).
  const placed = new Map<string, Map<string, number>>();
  for (const [, op, where] of probe.stderr.matchAll(/Executing op (\S+) in device \S*device:(\w+:\d+)/g)) {
    const ops = placed.get(where!) ?? new Map<string, number>();
    const name = op!.replace(/^_Mkl(Native)?/, '');
    ops.set(name, (ops.get(name) ?? 0) + 1);
    placed.set(where!, ops);
  }
  for (const [where, ops] of placed) {
    const runs = [...ops.values()].reduce((a, b) => a + b, 0);
    console.log(`  ${where}: ${runs} op runs of ${ops.size} kinds, e.g. ${[...ops.keys()].slice(0, 10).join(', ')}`);
  }
  const onGpu = [...placed].filter(([where]) => where.startsWith('GPU')).flatMap(([, ops]) => [...ops.keys()]);
  const heavy = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'FusedBatchNorm', 'BatchMatMulV2'];
  const heavyOnGpu = heavy.filter((op) => onGpu.includes(op));
  verdict('training ops placed on the GPU', heavyOnGpu.length === heavy.length,
    `${onGpu.length} kinds of op ran on the GPU; of ${heavy.join(', ')}: ${heavyOnGpu.join(', ') || 'none'}`);

  // 2. Children per hour. Digits-size children are trained whole; a paper-size child is projected from a timed epoch.
  console.log('\nmeasuring (about 6 minutes at scale 1)...');
  const digitsGpu = measure('digits', 'gpu', { concurrency: 1, maxChildren: 50, seconds: seconds(170), device });
  const digitsGpu4 = measure('digits', 'gpu', { concurrency: 4, maxChildren: 1000, seconds: seconds(50), device });
  const digitsCpu = measure('digits', 'cpu', { concurrency: 1, maxChildren: 1000, seconds: seconds(50), device });
  const paperGpu = measure('paper', 'gpu', { batches: Math.max(4, Math.round(60 * scale)) });
  const paperCpu = measure('paper', 'cpu', { batches: Math.max(2, Math.round(8 * scale)) });
  const rate = (r: Result) => r.childrenPerHour.toFixed(r.childrenPerHour < 10 ? 2 : 0);
  console.log('\nchildren per hour      GPU, 1 at once   GPU, 4 at once   CPU, 1 process   GPU/CPU');
  console.log(`digits-size (trained)  ${rate(digitsGpu.result).padStart(14)}   ${rate(digitsGpu4.result).padStart(14)}   ${rate(digitsCpu.result).padStart(14)}   `
    + `${(Math.max(digitsGpu.result.childrenPerHour, digitsGpu4.result.childrenPerHour) / digitsCpu.result.childrenPerHour).toFixed(1)}x`);
  console.log(`paper-size (projected) ${rate(paperGpu.result).padStart(14)}   ${'-'.padStart(14)}   ${rate(paperCpu.result).padStart(14)}   `
    + `${(paperGpu.result.childrenPerHour / paperCpu.result.childrenPerHour).toFixed(1)}x`);
  console.log(`  digits-size: ${digitsGpu.result.children} / ${digitsGpu4.result.children} / ${digitsCpu.result.children} children trained; `
    + '14×14×1, 1,000 + 500 images, 3 epochs, 6 layers. A CPU worker runs one child per core '
    + `(training.concurrency), so this machine's ${os.cpus().length} cores give up to ${os.cpus().length}× the CPU column.`);
  console.log(`  paper-size: 32×32×3, 45,000 + 5,000 images, 50 epochs, 6 layers (its start; it grows to 20), crop + flip; `
    + `${paperGpu.result.imagesPerSecond?.toFixed(0)} images/s on the GPU, ${paperCpu.result.imagesPerSecond?.toFixed(0)} on the CPU.`);

  // 3. Memory after each of the digits children on the GPU: allocator figures back at start, driver's view flat.
  const memory = digitsGpu.result.memory ?? [];
  const start = digitsGpu.result.start!;
  const leaks = memory.filter((m) => m.figures.numTensors !== start.numTensors || m.figures.numBytes !== start.numBytes || m.figures.nativeTensors !== start.nativeTensors);
  const mib = (m: (typeof memory)[number] | undefined) => (m ? `${m.processMiB ?? '?'} MiB (device ${m.deviceMiB ?? '?'})` : '-');
  const settled = memory.find((m) => m.child === Math.min(10, memory.length));
  const later = memory.filter((m) => m.child > (settled?.child ?? 0));
  const growth = (key: 'processMiB' | 'deviceMiB') => Math.max(0, ...later.map((m) => (m[key] ?? 0) - (settled?.[key] ?? 0)));
  console.log(`\nmemory over ${memory.length} GPU children: tf.memory() and native handles at start ${start.numTensors} tensors, ${start.numBytes} bytes, `
    + `${start.nativeTensors} handles; driver after child 1 ${mib(memory[0])}, after ${settled?.child} ${mib(settled)}, after ${memory.length} ${mib(memory[memory.length - 1])}`);
  verdict(`allocator figures back at start after each of ${memory.length} children`, memory.length > 0 && leaks.length === 0,
    leaks.length ? `${leaks.length} children left tensors (first after child ${leaks[0]!.child}: ${JSON.stringify(leaks[0]!.figures)})` : 'tensors, bytes and native handles unchanged');
  const driverKnown = later.some((m) => m.processMiB !== null || m.deviceMiB !== null);
  verdict(`device memory flat from child ${settled?.child} to ${memory.length}`, memory.length >= 50 && driverKnown && growth('processMiB') === 0 && growth('deviceMiB') === 0,
    !driverKnown ? 'nvidia-smi gave no figures' : `grew by ${growth('processMiB')} MiB (process), ${growth('deviceMiB')} MiB (device)${memory.length < 50 ? `; only ${memory.length} children fitted the time budget` : ''}`);

  const failed = verdicts.filter((v) => !v.ok);
  console.log(`\n${failed.length === 0 ? 'all checks passed' : `${failed.length} of ${verdicts.length} checks failed: ${failed.map((v) => v.check).join('; ')}`}`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = main();
