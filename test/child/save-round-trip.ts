// One check both builder tests make: a built child saves through tfjs' own handlers and reloads to a
// model that predicts exactly the same (what `nas export` relies on). Not a test file.
import assert from 'node:assert/strict';
import type { LayersModel, Tensor, io } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';

/** `input`: a batch the model accepts; disposed here, with both models. */
export async function assertSaveRoundTrip(tf: Tf, model: LayersModel, input: Tensor): Promise<void> {
  let saved: io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  const [a, b] = [model.predict(input) as Tensor, reloaded.predict(input) as Tensor]; // [batch, classes]
  assert.deepEqual(await a.array(), await b.array());
  tf.dispose([input, a, b]);
  model.dispose();
  reloaded.dispose();
}
