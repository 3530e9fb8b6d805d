// The workflows this project registers; the worker bundles this file.
export { nasSearch } from './nas-search';
export { nasReplica } from './replica';
export * from './messages';
