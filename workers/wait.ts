// Waiting at worker start for a server that is not up yet (Temporal, PostgreSQL): capped exponential
// backoff, one log line per failed attempt, and a deadline. Not a general retry helper: after start,
// the SDK's pollers and the activities' retry policies handle outages.

export type WaitOptions = {
  /** What is awaited, for the log and the final error: "Temporal at 127.0.0.1:7233". */
  what: string;
  /** The deadline; 0 tries once. The setting's name goes in the log so people know what to change. */
  limitSeconds: number;
  setting: string;
  /** False for failures no wait can fix (a wrong password): they are thrown at once. */
  transient: (err: unknown) => boolean;
  log: (line: string) => void;
  /** First pause and cap, in ms: 0.5 s doubling to 10 s keeps a restart's wait short and the log readable. */
  firstDelayMs?: number;
  maxDelayMs?: number;
};

/** Calls `attempt` until it resolves; rethrows its last error once `limitSeconds` have passed. */
export async function waitFor<T>(attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const { what, limitSeconds, setting, transient, log, firstDelayMs = 500, maxDelayMs = 10_000 } = options;
  const deadline = Date.now() + limitSeconds * 1000;
  for (let n = 1, delay = firstDelayMs; ; n++, delay = Math.min(delay * 2, maxDelayMs)) {
    try {
      return await attempt();
    } catch (err) {
      const left = deadline - Date.now();
      if (!transient(err) || left <= 0) throw err;
      const pause = Math.min(delay, left);
      log(`waiting for ${what} (attempt ${n} failed: ${firstLine(err)}); next try in ${(pause / 1000).toFixed(1)} s, `
        + `giving up in ${Math.ceil(left / 1000)} s (${setting})`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
