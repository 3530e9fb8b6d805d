// The depth schedule of section 4.1: networks start at `startLayers` and grow by `addLayers`
// every `everyChildren` sampled children, counted over the whole search (all replicas).
import type { ScheduleConfig } from '../config/search-config';

export function layersAt(schedule: ScheduleConfig, childrenSoFar: number): number {
  const grown = schedule.startLayers + schedule.addLayers * Math.floor(childrenSoFar / schedule.everyChildren);
  return Math.min(schedule.maxLayers, Math.max(schedule.startLayers, grown));
}
