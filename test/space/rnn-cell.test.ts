// The recurrent-cell space by hand: Figure 5's tokens decode to its cell, tokens ↔ cell round-trip,
// the tree's shape for bases 2/4/8, the controller's steps, and bad cells named. Pure; the tfjs
// cell is tested in test/child/rnn-cell.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { RnnCellSpaceConfig } from '../../config/search-config';
import { controllerLayout } from '../../controller/parameters';
import { InvalidArchitectureError } from '../../errors';
import { architectureKey, describeArchitecture, parseArchitecture } from '../../space/architecture';
import { decodeRnnCell, encodeRnnCell, nodeInputs, rnnCellSteps, rootNode, validateRnnCell } from '../../space/rnn-cell';
import { FIGURE_5_TOKENS } from './figure-5';
import { controllerDecisions, controllerSteps, decodeArchitecture, depthAt } from '../../space/search-space';

const base2 = RnnCellSpaceConfig.parse({ kind: 'rnnCell', base: 2 });

test('Figure 5 (base 2) decodes to the paper\'s cell', () => {
  const cell = decodeRnnCell(base2, FIGURE_5_TOKENS);
  assert.deepEqual(cell, {
    kind: 'rnnCell',
    base: 2,
    nodes: [
      { combination: 'add', activation: 'tanh' }, // a0 = tanh(W1·x_t + W2·h_{t-1})
      { combination: 'elemMult', activation: 'relu' }, // a1 = ReLU((W3·x_t) ⊙ (W4·h_{t-1}))
      { combination: 'elemMult', activation: 'sigmoid' }, // a2 = sigmoid(a0_new ⊙ a1) = h_t
    ],
    inject: { combination: 'add', activation: 'relu' }, // a0_new = ReLU(a0 + c_{t-1})
    cellIndices: [1, 0], // c_t = node 1 before its activation; c_{t-1} injected at node 0
  });
  assert.deepEqual(encodeRnnCell(base2, cell), FIGURE_5_TOKENS);
  assert.equal(describeArchitecture(cell), '0:add/tanh 1:elemMult/relu 2:elemMult/sigmoid inject@0:add/relu c<-1');
  assert.deepEqual(parseArchitecture(JSON.parse(JSON.stringify(cell))), cell);
  assert.equal(architectureKey(parseArchitecture(architectureKey(cell))), architectureKey(cell));
  assert.ok(Object.isFrozen(cell) && Object.isFrozen(cell.nodes[0]) && Object.isFrozen(cell.cellIndices));
});

test('the tree is balanced: leaves first, internal nodes level by level, root last', () => {
  assert.deepEqual([0, 1, 2].map((n) => nodeInputs(2, n)), [undefined, undefined, [0, 1]]);
  assert.deepEqual([4, 5, 6].map((n) => nodeInputs(4, n)), [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual([8, 9, 10, 11, 12, 13, 14].map((n) => nodeInputs(8, n)), [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11], [12, 13]]);
  assert.deepEqual([2, 4, 8].map(rootNode), [2, 6, 14]);
});

test('steps: (combination, activation) per node, then the inject, then two cell indices over all nodes', () => {
  for (const base of [2, 4, 8]) {
    const space = RnnCellSpaceConfig.parse({ kind: 'rnnCell', base });
    const steps = rnnCellSteps(space);
    const nodes = 2 * base - 1;
    assert.equal(steps.length, 2 * nodes + 2 + 2);
    assert.deepEqual(steps.slice(0, 2).map((s) => s.kind === 'choice' && [s.decision, s.choices.length]), [['combination', 2], ['activation', 4]]);
    assert.deepEqual(steps.slice(-2).map((s) => s.kind === 'choice' && [s.decision, s.choices.length]), [['cellIndex', nodes], ['cellIndex', nodes]]);
    assert.deepEqual(controllerSteps(space, 0), steps);
    assert.deepEqual(controllerDecisions(space), [{ name: 'combination', size: 2 }, { name: 'activation', size: 4 }, { name: 'cellIndex', size: nodes }]);
  }
  const config = parseSearchConfig({ space: { kind: 'rnnCell', base: 4 } });
  assert.equal(depthAt(config, 0), 7);
  assert.equal(depthAt(config, 1e6), 7, 'no depth schedule for cells');
  const layout = controllerLayout(config.space, config.controller);
  assert.ok(layout.slots.some((s) => s.name === 'head/cellIndex/kernel' && s.shape[1] === 7));
  assert.ok(!layout.slots.some((s) => s.name.startsWith('anchor/')), 'cells use no anchors');
  assert.equal(decodeArchitecture(config.space, 7, new Array(18).fill(0)).kind, 'rnnCell');
});

test('restricted spaces index their own lists', () => {
  const space = RnnCellSpaceConfig.parse({ kind: 'rnnCell', base: 2, combinations: ['elemMult'], activations: ['relu', 'tanh'] });
  const cell = decodeRnnCell(space, [0, 1, 0, 0, 0, 1, 0, 0, 2, 2]);
  assert.deepEqual(cell.nodes.map((n) => `${n.combination}/${n.activation}`), ['elemMult/tanh', 'elemMult/relu', 'elemMult/tanh']);
  assert.deepEqual(encodeRnnCell(space, cell), [0, 1, 0, 0, 0, 1, 0, 0, 2, 2]);
  assert.throws(() => encodeRnnCell(space, decodeRnnCell(base2, FIGURE_5_TOKENS)), /combination add is not in the space/);
});

test('bad tokens and bad cells are InvalidArchitectureErrors that say why', () => {
  const bad: [() => unknown, RegExp][] = [
    [() => decodeRnnCell(base2, FIGURE_5_TOKENS.slice(1)), /expected 10 tokens for a base-2 cell, got 9/],
    [() => decodeRnnCell(base2, [2, ...FIGURE_5_TOKENS.slice(1)]), /combination of node 0.*is 2/],
    [() => decodeRnnCell(base2, [...FIGURE_5_TOKENS.slice(0, 8), 3, 0]), /cell index 0.*is 3/],
    [() => validateRnnCell({ ...decodeRnnCell(base2, FIGURE_5_TOKENS), base: 3 }), /not a power of two/],
    [() => validateRnnCell({ ...decodeRnnCell(base2, FIGURE_5_TOKENS), cellIndices: [0, 5] }), /cell index 1 is 5/],
    [() => validateRnnCell({ ...decodeRnnCell(base2, FIGURE_5_TOKENS), nodes: [] }), /has 3 nodes, got 0/],
    [() => parseArchitecture({ kind: 'rnnCell', base: 2 }), /not a recurrent cell/],
  ];
  for (const [run, message] of bad) assert.throws(run, (e: Error) => e instanceof InvalidArchitectureError && message.test(e.message), String(message));
});
