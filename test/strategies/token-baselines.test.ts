// Random search and regularized evolution on the controller's tokens, for every space: what they draw,
// what one mutation changes, that a stored stream state goes on exactly, and that on NAS-Bench-201
// they query what the benchmark-faithful strategies (random-search.ts, regularized-evolution.ts) query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import type { SearchConfig, SearchConfigInput } from '../../config/search-config';
import { mulberry32 } from '../../random/prng';
import { architectureKey } from '../../space/architecture';
import { encodeCnn } from '../../space/cnn';
import { controllerSteps, decodeArchitecture } from '../../space/search-space';
import type { Step } from '../../space/step';
import { createBaselineStrategy } from '../../strategies/baselines';
import { runSearch } from '../../strategies/harness';
import { createTokenBaseline, mutateTokens, proposeTokens, uniformTokens } from '../../strategies/token-baselines';
import { convCountReward } from './synthetic';

const cnn = (extra: Partial<SearchConfigInput> = {}): SearchConfig => parseSearchConfig({
  seed: 5, strategy: 'evolution', space: { kind: 'cnn', filterHeights: [1, 3, 5], filterWidths: [1, 3], filters: [8, 16], strides: [1], skips: true },
  schedule: { startLayers: 3, addLayers: 2, everyChildren: 20, maxLayers: 7 }, evolution: { populationSize: 6, sampleSize: 2 },
  budget: { childrenPerIteration: 2, maxChildren: 60 }, ...extra,
} as SearchConfigInput);

/** Token offset of each step, and the sites (step indices) one mutation may change. */
function layout(steps: readonly Step[]): { starts: number[]; widths: number[] } {
  const widths = steps.map((s) => (s.kind === 'anchor' ? s.layer : 1));
  const starts = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  return { starts, widths };
}

test('uniform tokens decode for the CNN and recurrent-cell spaces; anchor bits are on about half the time', () => {
  const random = mulberry32(1);
  let bits = 0;
  let on = 0;
  for (const config of [cnn(), parseSearchConfig({ strategy: 'random', space: { kind: 'rnnCell', base: 4 } })]) {
    const steps = controllerSteps(config.space, 5);
    for (let k = 0; k < 300; k++) {
      const tokens = uniformTokens(steps, random);
      decodeArchitecture(config.space, 5, tokens); // throws on a token out of range
      steps.forEach((s, i) => {
        if (s.kind !== 'anchor') return;
        const { starts } = layout(steps);
        const slice = tokens.slice(starts[i]!, starts[i]! + s.layer);
        bits += slice.length;
        on += slice.filter((b) => b === 1).length;
      });
    }
  }
  assert.ok(Math.abs(on / bits - 0.5) < 0.05, `anchor bits on ${on}/${bits}`);
});

test('one mutation changes exactly one site: a choice to another value, or one anchor bit', () => {
  const config = cnn();
  const random = mulberry32(2);
  const steps = controllerSteps(config.space, 5);
  const { starts, widths } = layout(steps);
  const kinds = new Set<string>();
  for (let k = 0; k < 400; k++) {
    const parent = { tokens: uniformTokens(steps, random), numLayers: 5, reward: 0.5 };
    const child = mutateTokens(config, parent, 5, random);
    assert.equal(child.length, parent.tokens.length);
    const changedSteps = steps.flatMap((_, i) => {
      const a = parent.tokens.slice(starts[i]!, starts[i]! + widths[i]!);
      const b = child.slice(starts[i]!, starts[i]! + widths[i]!);
      return a.join() === b.join() ? [] : [i];
    });
    assert.equal(changedSteps.length, 1, `tokens ${parent.tokens.join('')} -> ${child.join('')}`);
    const step = steps[changedSteps[0]!]!;
    kinds.add(step.kind === 'choice' ? step.decision : 'anchor');
    const differing = child.filter((t, j) => t !== parent.tokens[j]).length;
    assert.equal(differing, 1, 'one token (one choice, or one anchor bit) differs');
    decodeArchitecture(config.space, 5, child);
  }
  // filterHeight, filterWidth, filters and the anchors all get mutated; stride has one value and never does.
  assert.deepEqual([...kinds].sort(), ['anchor', 'filterHeight', 'filterWidth', 'filters']);
});

test('a parent drawn before the schedule added layers keeps its layers (one site aside) and grows to the new depth', () => {
  const config = cnn();
  const random = mulberry32(3);
  for (let k = 0; k < 100; k++) {
    const parentTokens = uniformTokens(controllerSteps(config.space, 3), random);
    const child = mutateTokens(config, { tokens: parentTokens, numLayers: 3, reward: 0 }, 5, random);
    const grown = decodeArchitecture(config.space, 5, child);
    assert.equal(grown.kind === 'cnn' && grown.layers.length, 5);
    const differing = parentTokens.filter((t, j) => t !== child[j]).length;
    assert.ok(differing <= 1, `${differing} of the parent's tokens changed`);
  }
});

test('evolution: uniform until the population is full, then every child is one mutation of a member', () => {
  const config = cnn();
  const random = mulberry32(4);
  const steps = controllerSteps(config.space, 3);
  const population = Array.from({ length: 5 }, (_, k) => ({ tokens: uniformTokens(steps, random), numLayers: 3, reward: k / 10 }));
  // Five members of six: still uniform. A uniform draw is rarely one mutation away from a member.
  const young = proposeTokens(config, { numLayers: 3, count: 20, population }, random);
  const oneAway = (t: number[], pop: typeof population) => pop.some((p) => p.tokens.filter((x, j) => x !== t[j]).length === 1);
  assert.ok(young.filter((t) => oneAway(t, population)).length < 5);
  population.push({ tokens: uniformTokens(steps, random), numLayers: 3, reward: 0.9 });
  const bred = proposeTokens(config, { numLayers: 3, count: 50, population }, random);
  assert.ok(bred.every((t) => oneAway(t, population)), 'each child differs from a member by one token');
  // Tournaments of 2 favour the better members: the best (reward 0.9) parents more than the worst (0).
  const parentOf = (t: number[]) => population.findIndex((p) => p.tokens.filter((x, j) => x !== t[j]).length === 1);
  const parents = bred.map(parentOf);
  assert.ok(parents.filter((p) => p === 5).length > parents.filter((p) => p === 0).length);
});

test('a stream restarted from its stored state proposes what the uninterrupted one does', () => {
  const config = cnn({ strategy: 'random' } as Partial<SearchConfigInput>);
  const whole = mulberry32(9);
  const first = proposeTokens(config, { numLayers: 3, count: 4, population: [] }, whole);
  const second = proposeTokens(config, { numLayers: 5, count: 4, population: [] }, whole);
  const resumed = mulberry32(9);
  assert.deepEqual(proposeTokens(config, { numLayers: 3, count: 4, population: [] }, resumed), first);
  const restarted = mulberry32(resumed.state());
  assert.deepEqual(proposeTokens(config, { numLayers: 5, count: 4, population: [] }, restarted), second);
});

test('the in-process token baseline follows the depth schedule and keeps its children decodable', () => {
  const config = cnn();
  const strategy = createTokenBaseline(config);
  const run = runSearch(strategy, (arch) => ({ reward: arch.kind === 'cnn' ? arch.layers.filter((l) => l.filterHeight === 5).length / 7 : 0 }), 60);
  const depths = run.queries.map((q) => (q.arch.kind === 'cnn' ? q.arch.layers.length : 0));
  assert.deepEqual([depths[0], depths[19], depths[20], depths[40], depths[59]], [3, 3, 5, 7, 7]);
  run.queries.forEach((q) => q.arch.kind === 'cnn' && encodeCnn(config.space as Extract<SearchConfig['space'], { kind: 'cnn' }>, q.arch));
});

for (const strategy of ['random', 'evolution'] as const) {
  test(`${strategy} on NAS-Bench-201: the token baseline queries what the benchmark-faithful strategy queries`, () => {
    for (const seed of [1, 2, 3]) {
      const config = parseSearchConfig({ seed, strategy, space: { kind: 'nb201' }, data: { source: 'nb201Table', path: 'unused.csv' }, budget: { childrenPerIteration: 4, maxChildren: 80 } });
      const reward = (arch: Parameters<typeof convCountReward>[0]) => convCountReward(arch);
      const faithful = runSearch(createBaselineStrategy(config), reward, 80).queries.map((q) => architectureKey(q.arch));
      const tokens = runSearch(createTokenBaseline(config), (arch) => {
        if (arch.kind !== 'nb201') throw new Error('expected a cell');
        return reward(arch);
      }, 80).queries.map((q) => architectureKey(q.arch));
      assert.deepEqual(tokens, faithful, `seed ${seed}`);
    }
  });
}

test('with pooling layers, a mutation never lands on a token the architecture ignores (a pool\'s filters)', () => {
  const config = cnn({ space: { kind: 'cnn', layerTypes: ['conv', 'maxPool'], filterHeights: [1, 3], filterWidths: [3], filters: [8, 16], strides: [1], skips: false } } as Partial<SearchConfigInput>);
  const random = mulberry32(6);
  const steps = controllerSteps(config.space, 4);
  for (let k = 0; k < 300; k++) {
    const tokens = uniformTokens(steps, random);
    const child = mutateTokens(config, { tokens, numLayers: 4, reward: 0 }, 4, random);
    assert.notEqual(architectureKey(decodeArchitecture(config.space, 4, child)), architectureKey(decodeArchitecture(config.space, 4, tokens)));
  }
});
