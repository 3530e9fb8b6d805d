// Workflow histories to and from the standard JSON format (`temporal workflow show --output json`,
// the SDK's historyToJSON), for the replay tests. Not a general history tool: it exists only because
// the SDK's own converters fail in this install (see below); drop it once they work.
//
// Why: npm nested two copies of protobufjs 8 (under @temporalio/common and @temporalio/proto, as the
// root slot holds protobufjs 7), and @temporalio/common's historyToJSON / historyFromJSON (also used by
// Worker.runReplayHistory for a JSON history) pass @temporalio/proto's reflected types to the other
// copy's protojson, which throws "type must be a Type". Here the protojson of the copy that
// @temporalio/proto itself loaded does the conversion.
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

interface ReflectionRoot {
  lookupType(name: string): unknown;
}

const protoDir = path.dirname(require.resolve('@temporalio/proto'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protoJson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as ReflectionRoot).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): string {
  return `${JSON.stringify(protoJson.toJson(historyType, history), null, 2)}\n`;
}

/** Reads the JSON this module (or `temporal workflow show -o json`, same enum spelling) wrote. */
export function historyFromJson(json: unknown): History {
  const history = protoJson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a workflow history');
  return history;
}
