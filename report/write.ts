// Writes a report's files into `out` all at once: into a temporary folder beside it first, then
// renamed into place, so a failure leaves nothing half-written. Files of the same name in an
// existing `out` are replaced; other files there are left alone.
import fs from 'node:fs';
import path from 'node:path';

export function writeReportFiles(out: string, files: ReadonlyMap<string, string | Buffer>): string[] {
  const target = path.resolve(out);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const stage = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    fs.chmodSync(stage, 0o777 & ~process.umask()); // mkdtemp makes it 0700; a report folder is for reading
    for (const [name, content] of files) fs.writeFileSync(path.join(stage, name), content);
    if (!fs.existsSync(target)) {
      fs.renameSync(stage, target);
    } else {
      for (const name of files.keys()) fs.renameSync(path.join(stage, name), path.join(target, name));
    }
    return [...files.keys()].map((name) => path.join(target, name));
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
