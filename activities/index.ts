// The activity factories. Workers build the dependencies (pool, tf, data) and pass them in;
// workflows import only the types from here.
export { createControllerActivities, type ControllerActivities, type ControllerDeps, type SampledBatch, type SearchSummary } from './controller';
export { createTrainingActivities, type TrainingActivities, type TrainingDeps, type ChildOutcome } from './training';
