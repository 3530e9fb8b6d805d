// The shape of the data set a child trains on, as the trainer needs it: a structural interface so
// the trainer does not depend on the loaders in data/. Not a loader, not a validator of files.

/** One split: `count` images, NHWC, values in [0, 1] or whitened, and their integer class labels. */
export interface DataSplit {
  images: Float32Array; // [count * height * width * channels]
  labels: Int32Array; // [count]
  count: number;
}

export interface TrainingData {
  train: DataSplit;
  valid: DataSplit;
  numClasses: number;
  height: number;
  width: number;
  channels: number;
}
