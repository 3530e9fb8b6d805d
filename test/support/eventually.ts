// Waiting in tests for something another process or worker does: poll, and fail with what was awaited
// once a deadline passes. Not a retry helper for production code (the workers rely on Temporal's).

/** Polls `check` every 100 ms until it returns a value; fails after `timeoutMs`, naming `what`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
