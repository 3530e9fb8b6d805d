// Test and bench helper: a random architecture of a given depth, drawn by sampling every controller
// step uniformly (choices) or by coin flips (anchor bits) and decoding the tokens. Not the controller.
import type { CnnSpaceConfig } from '../../config/search-config';
import { type CnnArchitecture, cnnSteps, decodeCnn } from '../../space/cnn';

export function randomCnn(space: CnnSpaceConfig, numLayers: number, random: () => number, skipProbability = 0.4): CnnArchitecture {
  const tokens = cnnSteps(space, numLayers).flatMap((step) => step.kind === 'choice'
    ? [Math.floor(random() * step.choices.length)]
    : Array.from({ length: step.layer }, () => (random() < skipProbability ? 1 : 0)));
  return decodeCnn(space, numLayers, tokens);
}
