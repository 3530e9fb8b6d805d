// Random search and regularized evolution on every search space (CNN, recurrent cell, NAS-Bench-201),
// as a pure step on the controller's own tokens: the next proposal from a random stream and the
// population, nothing else. The durable search keeps the stream's state and reads the population from
// SQL (activities/baseline-sampling.ts), so an iteration costs the same at the 10th child and the
// 10,000th; the in-process strategy below keeps both in memory and proposes exactly the same children.
import type { SearchConfig } from '../config/search-config';
import { InvalidConfigError } from '../errors';
import { mixSeed, mulberry32, type Mulberry32 } from '../random/prng';
import { type Architecture, architectureKey } from '../space/architecture';
import { decodeNb201, encodeNb201 } from '../space/nb201';
import { controllerSteps, decodeArchitecture, depthAt } from '../space/search-space';
import type { Step } from '../space/step';
import { mutateCell, tournament } from './regularized-evolution';
import { sampleUniformCell } from './random-search';
import { checkObservations, type Observation, type Strategy } from './strategy';

/** A rewarded child as evolution sees it: its tokens, the depth they were drawn at, its reward. */
export interface Parent {
  readonly tokens: readonly number[];
  readonly numLayers: number;
  readonly reward: number;
}

export interface ProposalInput {
  /** The depth the schedule gives now (CNN); other spaces ignore it. */
  readonly numLayers: number;
  readonly count: number;
  /** The last `evolution.populationSize` rewarded children, oldest first (evolution only). */
  readonly population: readonly Parent[];
}

/** The stream a search's baseline starts from: the one the NAS-Bench-201 strategies have always used. */
export function initialStreamState(config: SearchConfig): number {
  return mixSeed(config.seed) >>> 0;
}

/** Children one iteration proposes: m for random search (the draws are the same however they are batched). */
export function childrenPerProposal(config: SearchConfig): number {
  return config.strategy === 'evolution' ? config.evolution.childrenPerCycle : config.budget.childrenPerIteration;
}

/** Uniform tokens: every choice equally likely, every anchor bit on with probability 1/2 (the untrained controller's odds). */
export function uniformTokens(steps: readonly Step[], random: () => number): number[] {
  return steps.flatMap((step) => step.kind === 'choice'
    ? [Math.floor(random() * step.choices.length)]
    : Array.from({ length: step.layer }, () => (random() < 0.5 ? 1 : 0)));
}

/**
 * One mutation on tokens: the parent, grown with uniform tokens for layers the schedule added since it
 * was drawn (tokens come layer by layer, so a deeper network's tokens start with a shallower one's),
 * then one site changed. A site is a choice with more than one value (a new value, uniformly among the
 * others, redrawn as R_EA.py does) or an anchor with at least one bit (one bit, uniformly, flipped).
 */
export function mutateTokens(config: SearchConfig, parent: Parent, numLayers: number, random: () => number): number[] {
  const steps = controllerSteps(config.space, numLayers);
  const parentSteps = controllerSteps(config.space, parent.numLayers);
  const tokens = [...parent.tokens, ...uniformTokens(steps.slice(parentSteps.length), random)];
  const starts: number[] = [];
  let cursor = 0;
  for (const step of steps) {
    starts.push(cursor);
    cursor += step.kind === 'anchor' ? step.layer : 1;
  }
  const sites = steps.flatMap((step, i) => ((step.kind === 'choice' ? step.choices.length > 1 : step.layer > 0) ? [i] : []));
  if (sites.length === 0) throw new InvalidConfigError('evolution: the space has nothing to mutate');
  // A token the architecture ignores (a pooling layer's filters) is no mutation: draw another site.
  const key = (t: readonly number[]) => architectureKey(decodeArchitecture(config.space, numLayers, t));
  const before = key(tokens);
  for (let attempt = 0; ; attempt++) {
    const child = [...tokens];
    const site = sites[Math.floor(random() * sites.length)]!;
    const step = steps[site]!;
    if (step.kind === 'choice') {
      const old = child[starts[site]!]!;
      let value: number;
      do value = Math.floor(random() * step.choices.length); while (value === old);
      child[starts[site]!] = value;
    } else {
      const bit = starts[site]! + Math.floor(random() * step.layer);
      child[bit] = 1 - child[bit]!;
    }
    if (attempt >= 64 || key(child) !== before) return child;
  }
}

function uniform(config: SearchConfig, numLayers: number, random: () => number): number[] {
  // NAS-Bench-201 draws as the benchmark's RANDOM.py does (the same numbers, in the same order).
  if (config.space.kind === 'nb201') return encodeNb201(sampleUniformCell(random));
  return uniformTokens(controllerSteps(config.space, numLayers), random);
}

function mutate(config: SearchConfig, parent: Parent, numLayers: number, random: () => number): number[] {
  // NAS-Bench-201 mutates as R_EA.py does (node first, then edge): not uniform over edges.
  if (config.space.kind === 'nb201') return encodeNb201(mutateCell(decodeNb201(parent.tokens), random));
  return mutateTokens(config, parent, numLayers, random);
}

/**
 * The next `count` children. Random search: uniform tokens. Regularized evolution (Real et al. 2019,
 * Algorithm 1): uniform until the population is full, then per child a tournament of
 * `evolution.sampleSize` members drawn with replacement and one mutation of its winner. Every child
 * of a proposal is bred from the same population (childrenPerCycle > 1 is the asynchronous variant,
 * which lets that many train at once).
 */
export function proposeTokens(config: SearchConfig, input: ProposalInput, random: () => number): number[][] {
  if (config.strategy === 'reinforce') throw new Error('the REINFORCE controller is not a baseline strategy');
  return Array.from({ length: input.count }, () => {
    if (config.strategy === 'random' || input.population.length < config.evolution.populationSize) return uniform(config, input.numLayers, random);
    return mutate(config, tournament(input.population, config.evolution.sampleSize, random), input.numLayers, random);
  });
}

/** In-process: what the durable search proposes, its stream and population kept in memory. */
export interface TokenBaseline extends Strategy<Architecture> {
  /** The stream's state now: what the durable search stores after each proposal. */
  streamState(): number;
}

export function createTokenBaseline(config: SearchConfig): TokenBaseline {
  const random: Mulberry32 = mulberry32(initialStreamState(config));
  const population: Parent[] = [];
  let proposed = 0;
  let pending: { arch: Architecture; parent: Parent }[] = [];
  return {
    name: config.strategy,
    propose() {
      if (pending.length > 0) throw new Error(`${config.strategy}: propose called again before observe`);
      const numLayers = depthAt(config, proposed);
      // Drawn whole and cut to the budget, as the durable search does.
      const count = Math.max(1, Math.min(childrenPerProposal(config), config.budget.maxChildren - proposed));
      pending = proposeTokens(config, { numLayers, count: childrenPerProposal(config), population }, random).slice(0, count).map((tokens) => ({
        arch: decodeArchitecture(config.space, numLayers, tokens), parent: { tokens, numLayers, reward: 0 },
      }));
      proposed += pending.length;
      return pending.map((p) => p.arch);
    },
    observe(observations: readonly Observation<Architecture>[]) {
      checkObservations(config.strategy, pending.map((p) => p.arch), observations, architectureKey);
      observations.forEach((o, i) => population.push({ ...pending[i]!.parent, reward: o.reward }));
      population.splice(0, Math.max(0, population.length - config.evolution.populationSize));
      pending = [];
    },
    streamState: () => random.state(),
  };
}
