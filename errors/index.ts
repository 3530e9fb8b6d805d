// Our error classes. Their names are the `ApplicationFailure.type`s that workflows branch on and that
// activities list as non-retryable; this file is not a place for generic helpers.

export class NasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A search config (file, flag or workflow input) failed validation. */
export class InvalidConfigError extends NasError {}

/** An architecture cannot be decoded or built: the message names the layer and why. */
export class InvalidArchitectureError extends NasError {}

/** A data path does not exist or does not hold the expected format. */
export class DatasetNotFoundError extends NasError {}

/** A data file exists but its content is malformed (wrong magic number, truncated record, ...). */
export class InvalidDatasetError extends NasError {}

/**
 * The REINFORCE gradient (section 3.2) cannot be computed: the controller's log-probability does not
 * depend on its parameters (it made no decision), so no retry can produce one.
 */
export class InvalidGradientError extends NasError {}

/** PostgreSQL cannot be reached or refused our credentials. */
export class DatabaseUnavailableError extends NasError {}

/** The Temporal frontend cannot be reached. */
export class TemporalUnavailableError extends NasError {}

/** A row we need is missing (unknown search id, child never sampled, ...). */
export class NotFoundError extends NasError {}

/** A compare-and-set on a parameter version lost: someone else applied an update first. */
export class StaleParametersError extends NasError {}

/** The tfjs backend asked for in config cannot be loaded on this machine. */
export class BackendUnavailableError extends NasError {}

/** The shared weights ω of a weight-sharing search produced a non-finite loss: its learning rate is too high. */
export class SharedWeightsDivergedError extends NasError {}

/** Errors that no retry can fix; activities and workflows treat them as final. */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = [
  'InvalidConfigError',
  'InvalidArchitectureError',
  'DatasetNotFoundError',
  'InvalidDatasetError',
  'InvalidGradientError',
  'NotFoundError',
  'BackendUnavailableError',
  'SharedWeightsDivergedError',
];
