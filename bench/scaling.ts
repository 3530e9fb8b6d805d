// Section 3.3 at scale on this machine. (1) Children finished per second with C = 1, 4, 16, 64
// simulated children at once (each sleeps --child-seconds instead of training), against the ideal
// C / seconds. (2) Parameter-store updates per second with K = 1, 10, 100 replicas pushing gradients
// of the paper's controller to S = 20 shards. Prints tables; never fails on the numbers.
//   node dist/bench/scaling.js [--part children|store|all] [--child-seconds 5] [--levels 1,4,16,64] [--controllers 2] [--replicas 1,10,100]
//     [--sample-ahead on,off] (runs each level with distributed.sampleAhead on, then off, side by side; default: the config's default)
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createTrainingActivities } from '../activities';
import { loadTf } from '../backend/tf';
import { parseSearchConfig } from '../config/parse';
import { loadRuntimeConfig } from '../config/runtime';
import type { SearchConfigInput } from '../config/search-config';
import { controllerSpec } from '../controller/controller';
import { initialParameters } from '../controller/parameters';
import { ensureDevServers } from '../dev';
import { cpuBetween, cpuSnapshot } from './cpu-by-process';
import { pushShardGradient, shardLayout } from '../store/parameters';
import { createSearch } from '../store/searches';
import type { nasSearch } from '../workflows/nas-search';
import { scratchDatabase } from './scratch-database';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const list = (s: string) => s.split(',').map(Number);

/** `nas worker controller` processes on a queue of the bench's own (a temp runtime file names it). */
async function controllerProcesses(count: number, queue: string, databaseUrl: string, temporalAddress: string): Promise<ChildProcess[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-scaling-'));
  const yaml = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(yaml, `temporal:\n  taskQueues:\n    controller: ${queue}\n`);
  const env = { ...process.env, NAS_RUNTIME_CONFIG: yaml, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, NAS_PARENT_PID: String(process.pid) };
  return Promise.all(Array.from({ length: count }, () => new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'cli', 'main.js'), 'worker', 'controller'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const collect = (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker polling')) resolve(child);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => reject(new Error(`controller worker exited ${code}: ${out.slice(-500)}`)));
  })));
}

/** What a level's search cost in CPU, per process kind, per child and against the cores' capacity. */
const cpuLines: string[] = [];

async function childThroughput(adminUrl: string, temporalAddress: string, concurrency: number, childSeconds: number, controllers: number, sampleAhead?: boolean): Promise<string> {
  // The paper's m = 8 children per replica, and half again as many replicas as the slots need (plus
  // one): while some replicas sample or update, the others' children keep the training queue full.
  const m = Math.min(8, concurrency);
  const replicas = Math.ceil((1.5 * concurrency) / m) + 1;
  const budget = concurrency * 8;
  const db = await scratchDatabase(adminUrl, 8);
  const tf = loadTf('cpu');
  const native = await NativeConnection.connect({ address: temporalAddress });
  const stamp = `${Date.now().toString(36)}-${concurrency}`;
  const controllerQueue = `bench-ctl-${stamp}`;
  const trainingQueue = `bench-train-${stamp}`;
  // Controller work (LSTM sampling and gradients) runs in worker processes, as deployed: one JS
  // thread each, so several of them share the replicas' controller activities.
  const workers = await controllerProcesses(controllers, controllerQueue, db.url, temporalAddress);
  const training = await Worker.create({
    connection: native, taskQueue: trainingQueue, identity: `bench:${trainingQueue}`,
    activities: createTrainingActivities({
      pool: db.pool, tf, workerIdentity: `bench:${trainingQueue}`, simulateSeconds: childSeconds,
      loadData: () => Promise.reject(new Error('simulated children load no data')),
      loadText: () => Promise.reject(new Error('simulated children load no text')),
      lookupTable: () => Promise.reject(new Error('simulated children read no table')),
    }),
    maxConcurrentActivityTaskExecutions: concurrency,
  });
  const runs = [training.run()];
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const config: SearchConfigInput = {
      // The paper's space and depth: sampling and gradients cost what they would in a real search.
      budget: { childrenPerIteration: m, maxChildren: budget },
      distributed: { replicas, shards: 20, ...(sampleAhead === undefined ? {} : { sampleAhead }) },
      trainingTaskQueue: trainingQueue,
    };
    const searchId = `scaling-${stamp}`;
    const started = Date.now();
    const cpuBefore = cpuSnapshot();
    await new Client({ connection }).workflow.execute<typeof nasSearch>('nasSearch', {
      taskQueue: controllerQueue, workflowId: searchId, args: [{ searchId, config }], workflowExecutionTimeout: '30m',
    });
    const cpu = cpuBetween(cpuBefore, cpuSnapshot());
    const wall = (Date.now() - started) / 1000;
    // From the children's own timestamps: first start to last finish, and the steady state between
    // (the first child-time after the start and the last one before the end are ramp-up and tail):
    // slot-seconds used there, in children of `childSeconds` per second.
    const { rows } = await db.pool.query<{ start: number; finish: number }>(
      `SELECT extract(epoch FROM started_at)::float8 AS start, extract(epoch FROM finished_at)::float8 AS finish FROM children WHERE search_id = $1`, [searchId]);
    const first = Math.min(...rows.map((r) => r.start));
    const last = Math.max(...rows.map((r) => r.finish));
    const span = last - first;
    const [from, to] = [first + childSeconds, last - childSeconds];
    // Slot time used in that window (children overlap its edges, so count time, not completions).
    const busy = rows.reduce((sum, r) => sum + Math.max(0, Math.min(r.finish, to) - Math.max(r.start, from)), 0);
    const steady = busy / childSeconds / (to - from);
    const ideal = concurrency / childSeconds;
    const pct = (rate: number) => `${((100 * rate) / ideal).toFixed(1)}%`;
    // CPU per child over the whole search, and the rate the cores could carry at that cost.
    const total = cpu.byCommand.reduce((sum, [, s]) => sum + s, 0);
    const perChild = (s: number) => `${((1000 * s) / Math.max(1, rows.length)).toFixed(1)}`;
    const kinds = cpu.byCommand.slice(0, 6).map(([command, s]) => `${command} ${perChild(s)}`).join(', ');
    const ceiling = cpu.cores / (total / Math.max(1, rows.length));
    cpuLines.push(`| ${concurrency}${sampleAhead === undefined ? '' : sampleAhead ? ', ahead' : ', barrier'} | ${(100 * cpu.machineBusy).toFixed(0)}% | ${perChild(total)} | ${kinds} | ${ceiling.toFixed(1)} (${pct(ceiling)}) |`);
    return `| ${concurrency}${sampleAhead === undefined ? '' : sampleAhead ? ', ahead' : ', barrier'} | ${replicas} × ${m} | ${rows.length} | ${span.toFixed(1)} s | ${(rows.length / span).toFixed(2)} (${pct(rows.length / span)}) | ${steady.toFixed(2)} (${pct(steady)}) | ${ideal.toFixed(2)} | ${wall.toFixed(1)} s |`;
  } finally {
    training.shutdown();
    await Promise.allSettled(runs);
    for (const w of workers) w.kill('SIGTERM');
    await connection.close();
    await native.close();
    await db.drop();
  }
}

async function storeThroughput(adminUrl: string, replicas: number, seconds: number): Promise<string> {
  const config = parseSearchConfig({});
  const spec = controllerSpec(config);
  const shards = 20;
  // One connection per replica up to 40: replicas are processes of their own in a real deployment.
  const db = await scratchDatabase(adminUrl, Math.min(replicas, 40));
  try {
    await createSearch(db.pool, 'store', config, initialParameters(spec.layout, 0.08, 1), shards, replicas);
    const layout = await shardLayout(db.pool, 'store');
    const gradient = Float32Array.from({ length: spec.layout.size }, (_, i) => Math.sin(i) * 1e-3);
    const latencies: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    const started = Date.now();
    await Promise.all(Array.from({ length: replicas }, async (_, replica) => {
      for (let iteration = 0; Date.now() < deadline; iteration++) {
        const t0 = Date.now();
        // As applyReinforceUpdate pushes: every shard's slice at once, each in its own transaction.
        await Promise.all(layout.map((range) => pushShardGradient(db.pool, {
          searchId: 'store', replica, iteration, shard: range.shard, snapshotVersion: 0,
          gradient: gradient.subarray(range.start, range.start + range.size),
        }, { learningRate: 6e-4 }, 1)));
        latencies.push(Date.now() - t0);
      }
    }));
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const rate = latencies.length / elapsed;
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    // What K replicas need: one update per iteration of m = 8 children of 5 s (the bench above), at best.
    const demand = replicas / 5;
    return `| ${replicas} | ${spec.layout.size} / ${shards} | ${latencies.length} | ${rate.toFixed(1)} | ${q(0.5)} ms | ${q(0.95)} ms | ${demand.toFixed(1)} | ${(rate / demand).toFixed(1)}× |`;
  } finally {
    await db.drop();
  }
}

async function main(): Promise<void> {
  const part = flag('part', 'all');
  const runtime = loadRuntimeConfig();
  const { databaseUrl, temporalAddress } = await ensureDevServers(runtime);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (part === 'children' || part === 'all') {
    const childSeconds = Number(flag('child-seconds', '5'));
    out(`\nChildren finished per second, simulated ${childSeconds} s children (ideal = concurrency / ${childSeconds} s)`);
    const controllers = Number(flag('controllers', '2'));
    out(`(controller worker processes: ${controllers}; the machine has ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the start)`);
    out('| concurrent children | replicas × m | children | first start → last finish | children/s (of ideal) | steady state, without the first and last child-time | ideal | search wall time |');
    out('|---|---|---|---|---|---|---|---|');
    const modes = flag('sample-ahead', '').split(',').filter(Boolean).map((m) => m === 'on');
    for (const c of list(flag('levels', '1,4,16,64'))) {
      for (const ahead of modes.length > 0 ? modes : [undefined]) out(await childThroughput(databaseUrl, temporalAddress, c, childSeconds, controllers, ahead));
    }
    out('\nCPU over each search, every process on the machine by command (/proc): how busy the cores were, CPU ms per child,');
    out(`the largest six kinds, and the children/s ${os.cpus().length} cores could carry at that cost (of ideal)`);
    out('| concurrent children | cores busy | CPU ms per child | by command, ms per child | children/s the cores could carry |');
    out('|---|---|---|---|---|');
    for (const line of cpuLines) out(line);
  }
  if (part === 'store' || part === 'all') {
    const seconds = Number(flag('store-seconds', '10'));
    out(`\nParameter store: replicas pushing full gradients to 20 shards for ${seconds} s, as fast as they can`);
    out('| replicas | parameters / shards | updates | updates/s | p50 | p95 | needed at 5 s children, m=8 (updates/s) | headroom |');
    out('|---|---|---|---|---|---|---|---|');
    for (const k of list(flag('replicas', '1,10,100'))) out(await storeThroughput(databaseUrl, k, seconds));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
