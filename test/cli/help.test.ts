// `nas --help`, `nas help [command]` and a command's `--help` print usage and exit 0; `nas` alone is
// a usage error (exit 2). The --preset list is every preset of config/presets.ts. No servers needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { PRESETS } from '../../config/presets';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');

function nas(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('help asked for exits 0 and lists every preset; no command at all exits 2', () => {
  const presets = `--preset ${Object.keys(PRESETS).join('|')}`;
  for (const args of [['--help'], ['help']]) {
    const r = nas(args);
    assert.equal(r.code, 0, `nas ${args.join(' ')}: ${r.err}`);
    assert.match(r.out, /^nas: Neural Architecture Search/);
    assert.ok(r.out.includes(presets), `nas ${args.join(' ')} lists ${presets}:\n${r.out}`);
  }
  for (const args of [['search', '--help'], ['help', 'search']]) {
    const r = nas(args);
    assert.equal(r.code, 0, `nas ${args.join(' ')}: ${r.err}`);
    assert.match(r.out, /^usage:\n {2}nas search run/);
    assert.ok(r.out.includes(presets));
  }
  const none = nas([]);
  assert.equal(none.code, 2);
  assert.match(none.out, /^nas: Neural Architecture Search/);
});
