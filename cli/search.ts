// `nas search ...` and `nas best`: start a search (workers elsewhere; followed or not), run one here
// end to end (servers, workers, progress, result), ask a search for progress and the workers seen,
// list the best children. Printing the progress line itself is follow.ts.
import os from 'node:os';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { RuntimeConfig } from '../config/runtime';
import type { SearchConfig, SearchConfigInput } from '../config/search-config';
import { parseSearchId } from '../config/parse';
import { configSummary, type ConfigSummary, describeConfigSummary } from '../config/summary';
import { ensureDevServers } from '../dev';
import { InvalidConfigError, NotFoundError } from '../errors';
import { describeArchitecture } from '../space/architecture';
import { bestChildren } from '../store/children';
import type { Db } from '../store/db';
import { searchBest, type SearchBest } from '../store/search-best';
import { getSearch } from '../store/searches';
import { type WorkerThroughput, workerThroughput } from '../store/worker-throughput';
import type { NasSearchInput, NasSearchResult } from '../workflows/nas-search';
import { pauseSignal, progressQuery, resumeSignal, setReplicasUpdate, stopSignal, type SearchProgress } from '../workflows/messages';
import { NasBestAccuracy, NasChildrenDone, NasSpace } from '../workflows/search-attributes';
import { connectClient, openDatabase } from '../workers/connect';
import { bestLong, bestShort, formatPerplexity } from './best-metric';
import { followProgress } from './follow';
import { startLocalWorkers } from './local-workers';

export interface StartOptions {
  searchId?: string;
  input: SearchConfigInput;
  config: SearchConfig;
}

function newSearchId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `search-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Starts the workflow, or attaches to the running one with that id (a resumed `run`). */
export async function startSearch(client: Client, runtime: RuntimeConfig, options: StartOptions): Promise<{ handle: WorkflowHandle; resumed: boolean }> {
  const searchId = parseSearchId(options.searchId ?? newSearchId());
  const args: [NasSearchInput] = [{ searchId, config: options.input }];
  try {
    // The memo is what the Web UI shows of a search's settings (typed search attributes carry progress).
    const memo = { config: configSummary(options.config) };
    const handle = await client.workflow.start('nasSearch', { taskQueue: runtime.temporal.taskQueues.controller, workflowId: searchId, args, memo });
    return { handle, resumed: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { handle: client.workflow.getHandle(searchId), resumed: true };
  }
}

/** The README's main command: everything on this machine, following progress until the search ends. */
export async function runSearch(runtime: RuntimeConfig, options: StartOptions & { trainingWorkers?: number }, out: NodeJS.WriteStream): Promise<SearchOutcome> {
  if (runtime.temporal.mode === 'dev' || runtime.database.mode === 'embedded') await ensureDevServers(runtime);
  const pool = await openDatabase(runtime);
  const client = await connectClient(runtime);
  const sharing = options.config.mode === 'weightSharing' ? 1 : 0;
  // A weight-sharing search trains ω most of the time: its core is not a training worker's too.
  const trainingWorkers = options.trainingWorkers ?? Math.max(1, os.cpus().length - sharing);
  const searchId = parseSearchId(options.searchId ?? newSearchId());
  const workers = startLocalWorkers(runtime.home, trainingWorkers, searchId, sharing);
  try {
    const { handle, resumed } = await startSearch(client, runtime, { ...options, searchId });
    out.write(`${resumed ? 'resuming' : 'started'} search ${searchId}: ${options.config.budget.maxChildren} children, `
      + `${options.config.budget.childrenPerIteration} per iteration, ${trainingWorkers} training worker(s)\n`
      + `  Web UI: http://127.0.0.1:${runtime.temporal.uiPort}/namespaces/${runtime.temporal.namespace}/workflows/${searchId}\n`
      + `  resume after a crash with: nas search run --id ${searchId}\n`);
    return await followToEnd(handle, pool, out, workers.failed);
  } finally {
    await workers.stop();
    await client.connection.close();
    await pool.end();
  }
}

/** The workflow's result, and the best as SQL has it (a cell search's perplexity is not in the result). */
export interface SearchOutcome { result: NasSearchResult; best: SearchBest }

/** Follows progress until the search ends, then prints the best architectures; `failed` cuts it short (a local worker died). */
export async function followToEnd(handle: WorkflowHandle, pool: Db, out: NodeJS.WriteStream, failed: Promise<never> = new Promise(() => undefined)): Promise<SearchOutcome> {
  await Promise.race([followProgress(handle, out, 2000, () => searchBest(pool, handle.workflowId)), failed]);
  const result = (await Promise.race([handle.result(), failed])) as NasSearchResult;
  await printBest(pool, handle.workflowId, 3, out);
  return { result, best: await searchBest(pool, handle.workflowId) };
}

export function describeResult({ result, best }: SearchOutcome): string {
  return `search ${result.searchId} ${result.status}: ${result.childrenDone} children in ${result.iterations} iterations, `
    + `best ${bestLong(best, result.bestAccuracy)}\n  best: ${result.bestArchitecture ?? '-'}\n`;
}

export async function printBest(pool: Db, searchId: string, top: number, out: NodeJS.WriteStream): Promise<void> {
  const search = await getSearch(pool, searchId); // an unknown id is a NotFoundError, not "no child yet"
  const best = await bestChildren(pool, searchId, top);
  if (best.length === 0) {
    out.write(`search ${searchId}: no child has finished training yet\n`);
    return;
  }
  // A cell is ranked by perplexity (store/children.ts); its accuracy column is next-word accuracy.
  const cell = search.spaceKind === 'rnnCell';
  out.write(`best architectures of ${searchId} (${cell ? 'validation perplexity, lower is better' : 'validation accuracy'}):\n`);
  for (const [rank, c] of best.entries()) {
    const score = cell
      ? `perplexity ${formatPerplexity(c.validationPerplexity)}  next-word accuracy ${c.bestValidationAccuracy?.toFixed(4) ?? '-'}`
      : c.bestValidationAccuracy!.toFixed(4);
    // Weight sharing: only retrained picks carry from-scratch accuracies; the others were measured under ω.
    const where = c.phase === 'retrain' ? `retrained from scratch (picked by ${c.pick === 'both' ? 'reward and likelihood' : c.pick === 'likely' ? 'likelihood' : 'reward'})`
      : c.omegaStep !== null ? `shared weights at step ${c.omegaStep}, iteration ${c.iteration} child ${c.childIndex}` : `iteration ${c.iteration} child ${c.childIndex}`;
    out.write(`  #${rank + 1} ${score}  ${where}  ${c.paramCount} params  ${describeArchitecture(c.architecture)}\n`);
  }
  out.write(`  architecture JSON of #1: ${JSON.stringify(best[0]!.architecture)}\n`);
}

/** The handle of an existing search; an unknown id is a NotFoundError naming it. */
async function existingSearch(client: Client, searchId: string) {
  const handle = client.workflow.getHandle(parseSearchId(searchId));
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no search with id "${searchId}" in this Temporal namespace`);
    throw err;
  });
  return { handle, description };
}

/** pause / resume / stop: the signals defined next to the workflow. */
export async function controlSearch(client: Client, searchId: string, action: 'pause' | 'resume' | 'stop'): Promise<void> {
  const { handle, description } = await existingSearch(client, searchId);
  if (description.status.name !== 'RUNNING') throw new NotFoundError(`search "${searchId}" is ${description.status.name.toLowerCase()}, not running`);
  await handle.signal({ pause: pauseSignal, resume: resumeSignal, stop: stopSignal }[action]);
}

/** Section 3.3's K, changed while the search runs (the setReplicas update; its validator's refusal is bad input). */
export async function setReplicas(client: Client, searchId: string, replicas: number): Promise<{ running: number; wanted: number }> {
  const { handle, description } = await existingSearch(client, searchId);
  if (description.status.name !== 'RUNNING') throw new NotFoundError(`search "${searchId}" is ${description.status.name.toLowerCase()}, not running`);
  try {
    return await handle.executeUpdate(setReplicasUpdate, { args: [replicas] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new InvalidConfigError(`search ${searchId}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
    throw Object.assign(new Error(`${(err as Error).message}: ${String((err as { cause?: unknown }).cause)}`), { name: (err as Error).name });
  }
}

/** Searches known to Temporal, newest first, with the progress they publish as search attributes. */
export async function listSearches(client: Client, limit = 50): Promise<{ id: string; status: string; space?: string; childrenDone?: number; bestAccuracy?: number; started: Date }[]> {
  const out = [];
  for await (const w of client.workflow.list({ query: 'WorkflowType = "nasSearch"' })) {
    out.push({
      id: w.workflowId, status: w.status.name, started: w.startTime,
      space: w.typedSearchAttributes.get(NasSpace), childrenDone: w.typedSearchAttributes.get(NasChildrenDone),
      bestAccuracy: w.typedSearchAttributes.get(NasBestAccuracy),
    });
    if (out.length >= limit) break;
  }
  return out;
}

export interface SearchStatusReport {
  searchId: string;
  status: string;
  /** The memo `nas search start` set (config summary); null for a search started some other way. */
  config: unknown;
  progress: SearchProgress | null;
  /** From SQL: for a cell search the best perplexity (the progress query's bestAccuracy is next-word accuracy). */
  best: SearchBest;
  workers: WorkerThroughput[];
}

/** A live query of the workflow (when it runs), its memo, and the training workers seen in SQL. */
export async function searchStatus(client: Client, pool: Db, searchId: string): Promise<SearchStatusReport> {
  const { handle, description } = await existingSearch(client, searchId);
  const progress = description.status.name === 'RUNNING' ? await handle.query(progressQuery) : null;
  return {
    searchId, status: description.status.name, config: description.memo?.config ?? null, progress,
    best: await searchBest(pool, searchId), workers: await workerThroughput(pool, searchId),
  };
}

export function formatStatus(s: SearchStatusReport): string {
  const p = s.progress;
  const lines = [
    `search ${s.searchId}: ${s.status}${p ? ` (${p.phase})` : ''}`,
    ...(s.config ? [`  config:     ${describeConfigSummary(s.config as ConfigSummary)}`] : []),
    ...(p ? [
      `  iteration:  ${p.iteration}`,
      `  children:   ${p.childrenDone} / ${p.childrenBudget}`,
      `  best:       ${bestShort(s.best, p.bestAccuracy)}`,
      `  baseline:   ${p.baseline?.toFixed(4) ?? '-'}`,
      `  depth:      ${p.currentDepth ?? '-'}`,
      ...(p.replicas ? [`  replicas:   ${p.replicas.running} running, ${p.replicas.wanted} wanted`] : []),
      `  last child: ${p.lastArchitecture ?? '-'}`,
      // A closed search answers no query: its best comes from SQL alone.
    ] : [`  best:       ${bestShort(s.best, s.best.bestAccuracy)}`]),
    `  workers:    ${s.workers.length === 0 ? 'none has finished a child yet' : s.workers.map((w) => `${w.worker} (${w.children} children${w.failed ? `, ${w.failed} failed` : ''})`).join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
