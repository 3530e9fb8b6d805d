// kill -9 on a seeded schedule: the training workers, the controller worker, the Temporal dev server
// and PostgreSQL of private servers, each started again after a seeded time down. Kill n waits for
// the search to have made progress to a seeded point (finished children + updates), so kills spread
// over the run and a search that stops moving fails fast. Shared by chaos.test.ts and the soak
// (test/chaos/chaos.ts). Not a supervisor: only what it killed is restarted, and a worker that dies
// any other way is an error.
import path from 'node:path';
import { sleep, tail } from '../../dev/processes';
import type { Db } from '../../store/db';
import type { PrivateServers } from './private-servers';
import { spawnWorkerProcess, type WorkerProcess, type WorkerRole } from './worker-process';

export type Victim = 'training' | 'controller' | 'temporal' | 'postgres';
export const VICTIMS: readonly Victim[] = ['training', 'controller', 'temporal', 'postgres'];

export interface Kill {
  n: number;
  victim: Victim;
  pid: number;
  /** Seconds since the monkey started. */
  at: number;
  /** Finished children + updates when it struck. */
  progress: number;
  /** Children training when it struck. */
  training: number;
  /** Iterations between their last child and their update when it struck. */
  updating: number;
  /**
   * A training kill: the child the killed worker was training, if its row still said so after the
   * kill (a dead worker writes nothing more, so the kill landed mid-training); else undefined.
   */
  struckChild?: number;
  downSeconds: number;
  /** From the end of the time down to the victim serving again (worker polling, server answering). */
  restartSeconds: number;
}

export interface KillPlan {
  victim: Victim;
  /** Strike once the search's progress (finished children + updates) reaches this. */
  atProgress: number;
  /** Then wait this long (lands the kill inside whatever runs now). */
  delayMs: number;
  /**
   * Then, for a few seconds at most, wait for a child training (a training worker's work) or an
   * iteration whose children are done and whose update is not yet recorded (the controller's).
   */
  aim: 'training' | 'update' | 'anytime';
  /** After an aimed wait found its moment: lands a kill aimed at an update inside it (gradient, shard pushes, record). */
  aimDelayMs: number;
  downMs: number;
}

/**
 * `kills` kills in rounds of the four kinds, each round in a seeded order (so every kind is hit by
 * the first four), at progress points drawn in [0, lastProgress] (finished children + updates).
 */
export function killPlan(random: () => number, kills: number, lastProgress: number, timing: { maxDelayMs: number; minDownMs: number; maxDownMs: number }): KillPlan[] {
  const victims: Victim[] = [];
  while (victims.length < kills) {
    const round = [...VICTIMS];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    victims.push(...round.slice(0, kills - victims.length));
  }
  const points = victims.map(() => Math.floor(random() * (lastProgress + 1))).sort((a, b) => a - b);
  return victims.map((victim, i) => ({
    victim, atProgress: points[i]!, delayMs: Math.round(random() * timing.maxDelayMs),
    aim: victim === 'training' ? 'training' as const : random() < 0.5 ? 'update' as const : 'anytime' as const,
    aimDelayMs: Math.round(random() * 400),
    downMs: Math.round(timing.minDownMs + random() * (timing.maxDownMs - timing.minDownMs)),
  }));
}

interface Progress {
  done: number; training: number; updating: number; ended: boolean;
  /** The children training now and their workers' pids (children.worker is host:pid:queue), as one snapshot. */
  trainingBy: { child: number; pid: number }[];
}

export interface ChaosCluster {
  workers: () => WorkerProcess[];
  kills: Kill[];
  /**
   * Runs the plan against `searchId`; rejects on a stall, a worker that died by itself, the deadline,
   * or a search that ended before `minKills` kills were made (after that, its end ends the plan).
   */
  run: (plan: KillPlan[], searchId: string, options: { minKills?: number; stallMs: number; deadline: number }) => Promise<void>;
  /** Throws, naming the worker and its log, if a worker died without being killed by us. */
  assertWorkersAlive: () => void;
  stop: () => Promise<void>;
}

export interface ChaosClusterOptions {
  servers: PrivateServers;
  pool: Db;
  trainingQueue: string;
  trainingWorkers: number;
  /** Slots per training worker. */
  trainingConcurrency: number;
  /** Also one ω-holding worker (weight-sharing searches) taking claims on this queue; no plan kills it. */
  sharingQueue?: string;
  log: (line: string) => void;
}

/** Starts the controller worker, the training workers and any ω worker (processes, as in production) and waits until they poll. */
export async function startChaosCluster(options: ChaosClusterOptions): Promise<ChaosCluster> {
  const { servers, pool, log } = options;
  const started = Date.now();
  const env = {
    ...process.env, NAS_HOME: servers.home, NAS_RUNTIME_CONFIG: servers.yaml, DATABASE_URL: servers.databaseUrl,
    TEMPORAL_ADDRESS: servers.runtime.temporal.address, NAS_TRAIN_CONCURRENCY: String(options.trainingConcurrency),
    // Workers leave on their own should this process die without stopping them.
    NAS_PARENT_PID: String(process.pid),
  };
  let spawned = 0;
  const spawn = async (role: WorkerRole): Promise<WorkerProcess> => {
    const queue = role === 'training' ? options.trainingQueue : role === 'sharing' ? options.sharingQueue : undefined;
    const worker = spawnWorkerProcess(role, {
      env, args: queue ? ['--queue', queue] : [], logFile: path.join(servers.home, `${role}-${spawned++}.log`),
    });
    await worker.ready(120_000);
    return worker;
  };
  const training = await Promise.all(Array.from({ length: options.trainingWorkers }, () => spawn('training')));
  let controller = await spawn('controller');
  const sharing = options.sharingQueue ? [await spawn('sharing')] : [];
  const workers = () => [controller, ...training, ...sharing];
  const kills: Kill[] = [];

  const assertWorkersAlive = () => {
    for (const w of workers()) {
      if (!w.alive()) throw new Error(`the ${w.role} worker pid ${w.pid} died, and not by our kill; its log ${w.logFile} ends:\n${tail(w.logFile, 20)}`);
    }
  };

  /** Finished children + updates, children training now, iterations awaiting their update; undefined while PostgreSQL is down. */
  const progress = async (searchId: string): Promise<Progress | undefined> => {
    try {
      const { rows } = await pool.query<{ done: string; training: string; updating: string; status: string; training_by: string[] | null }>(
        `SELECT (SELECT count(*) FROM children WHERE search_id = $1 AND status IN ('succeeded', 'failed'))
              + (SELECT count(*) FROM updates WHERE search_id = $1) AS done,
                (SELECT count(*) FROM children WHERE search_id = $1 AND status = 'training') AS training,
                (SELECT count(*) FROM (SELECT replica, iteration FROM children WHERE search_id = $1 GROUP BY replica, iteration
                                       HAVING bool_and(status IN ('succeeded', 'failed'))) finished
                  WHERE NOT EXISTS (SELECT 1 FROM updates u WHERE u.search_id = $1 AND u.replica = finished.replica AND u.iteration = finished.iteration)) AS updating,
                (SELECT status FROM searches WHERE id = $1) AS status,
                (SELECT array_agg(id || ':' || worker ORDER BY id) FROM children
                  WHERE search_id = $1 AND status = 'training' AND worker IS NOT NULL) AS training_by`,
        [searchId]);
      const r = rows[0]!;
      const trainingBy = (r.training_by ?? []).map((s) => { const [child, , pid] = s.split(':'); return { child: Number(child), pid: Number(pid) }; });
      return { done: Number(r.done), training: Number(r.training), updating: Number(r.updating), ended: ['completed', 'stopped', 'failed'].includes(r.status), trainingBy };
    } catch {
      return undefined;
    }
  };

  /** The child still training on worker `pid` (its row unchanged since `at`), if any. */
  const stillTraining = async (searchId: string, child: number, pid: number): Promise<boolean> => {
    const { rows } = await pool.query<{ worker: string }>(
      `SELECT worker FROM children WHERE search_id = $1 AND id = $2 AND status = 'training'`, [searchId, child]).catch(() => ({ rows: [] }));
    return rows.some((r) => Number(r.worker.split(':')[1]) === pid);
  };

  const strike = async (plan: KillPlan, n: number, searchId: string, at: Progress): Promise<Kill> => {
    const t = (Date.now() - started) / 1000;
    let pid: number;
    let restart: () => Promise<void>;
    let struckChild: number | undefined;
    if (plan.victim === 'training' || plan.victim === 'controller') {
      // The worker the same snapshot saw training a child (the gap to the kill is a few ms), else the n-th.
      const busy = at.trainingBy.map((b) => ({ ...b, i: training.findIndex((w) => w.pid === b.pid) })).find((b) => b.i >= 0);
      const i = plan.victim === 'training' ? busy?.i ?? n % training.length : 0;
      const target = plan.victim === 'training' ? training[i]! : controller;
      pid = target.pid;
      await target.kill9();
      if (plan.victim === 'training' && busy && await stillTraining(searchId, busy.child, pid)) struckChild = busy.child;
      restart = async () => {
        const fresh = await spawn(plan.victim as WorkerRole);
        if (plan.victim === 'training') training[i] = fresh;
        else controller = fresh;
      };
    } else {
      pid = plan.victim === 'temporal' ? await servers.killTemporal() : await servers.killPostgres();
      restart = servers.restart;
    }
    await sleep(plan.downMs);
    const restarting = Date.now();
    await restart();
    return {
      n, victim: plan.victim, pid, at: t, progress: at.done, training: at.training, updating: at.updating,
      downSeconds: plan.downMs / 1000, restartSeconds: (Date.now() - restarting) / 1000, struckChild,
    };
  };

  return {
    workers, kills, assertWorkersAlive,
    run: async (plan, searchId, { minKills = plan.length, stallMs, deadline }) => {
      let last = { done: -1, movedAt: Date.now() };
      const wait = async (n: number, until: (p: Progress) => boolean, patienceMs = Infinity, pollMs = 200): Promise<Progress | 'finished' | undefined> => {
        const giveUp = Date.now() + patienceMs;
        for (;;) {
          assertWorkersAlive();
          const now = await progress(searchId);
          if (now && now.done > last.done) last = { done: now.done, movedAt: Date.now() };
          if (now?.ended) {
            if (n > minKills) return 'finished';
            throw new Error(`the search finished before kill #${n} of ${plan.length}: give it more children`);
          }
          if (now && until(now)) return now;
          if (Date.now() > giveUp) return undefined;
          if (Date.now() - last.movedAt > stallMs) {
            throw new Error(`the search made no progress for ${stallMs / 1000} s (stuck at ${last.done} finished children + updates) before kill #${n}; the last kill: ${describe(kills.at(-1))}`);
          }
          if (Date.now() > deadline) throw new Error(`the deadline passed before kill #${n} of ${plan.length}`);
          await sleep(pollMs);
        }
      };
      for (const [i, step] of plan.entries()) {
        const n = i + 1;
        // At its point of the run, and never twice at the same progress: the search must move between kills.
        const target = Math.max(step.atProgress, (kills.at(-1)?.progress ?? -1) + 1);
        const reached = await wait(n, (p) => p.done >= target);
        if (reached === 'finished') break;
        let now = reached!;
        await sleep(step.delayMs);
        // Aimed at work in flight when some shows up within a few seconds; updates are short, so polled often.
        const aimed = step.aim === 'anytime' ? undefined
          : step.aim === 'training'
            // A child on a live worker (a killed worker's row says 'training' until its retry), polled
            // often: children of the tests' tiny searches train in under a second.
            ? await wait(n, (p) => p.trainingBy.some((b) => training.some((w) => w.pid === b.pid)), 20_000, 25)
            : await wait(n, (p) => p.updating > 0, 8000, 25);
        if (aimed === 'finished') break;
        if (aimed) now = aimed;
        if (aimed && step.aim === 'update') await sleep(step.aimDelayMs);
        if (step.aim === 'anytime') now = (await progress(searchId)) ?? now;
        const kill = await strike(step, n, searchId, now);
        kills.push(kill);
        log(`kill #${kill.n} ${describe(kill)}`);
      }
    },
    stop: async () => {
      for (const w of workers()) await w.kill9().catch(() => undefined);
    },
  };
}

export function describe(kill: Kill | undefined): string {
  if (!kill) return 'no kill yet';
  return `+${kill.at.toFixed(1)}s kill -9 ${kill.victim} pid ${kill.pid} at progress ${kill.progress} (${kill.training} training, ${kill.updating} updating), `
    + `${kill.struckChild === undefined ? '' : `mid-training child ${kill.struckChild}, `}down ${kill.downSeconds.toFixed(1)} s, serving again ${kill.restartSeconds.toFixed(1)} s later`;
}

export function killsByKind(kills: readonly Kill[]): Record<Victim, number> {
  const counts = { training: 0, controller: 0, temporal: 0, postgres: 0 };
  for (const k of kills) counts[k.victim]++;
  return counts;
}

