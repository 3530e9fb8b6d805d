// The end every bench shares: its lines printed, and written to --out (a results file under
// bench/**/results, with its date and command in its lines) when asked; a failure printed with its
// stack and exit code 1. Not a place for figures: each bench makes its own.
import fs from 'node:fs';
import path from 'node:path';

export function report(lines: readonly string[], out: string): void {
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!out) return;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
}

export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  });
}
