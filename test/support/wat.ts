// Assembles controller/kernels.wat into the bytes controller/kernels-binary.ts carries, with wabt (a
// dev dependency, so that nothing compiles WebAssembly text when a search runs). The kernels test
// checks that the committed bytes are what the text assembles to; after editing the text, run
//   node dist/test/support/wat.js --write
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wabt from 'wabt';

const ROOT = path.join(__dirname, '..', '..', '..');
export const WAT_PATH = path.join(ROOT, 'controller', 'kernels.wat');
export const BINARY_PATH = path.join(ROOT, 'controller', 'kernels-binary.ts');

export async function assembleKernels(): Promise<Uint8Array> {
  const tools = await wabt();
  const module = tools.parseWat(WAT_PATH, readFileSync(WAT_PATH, 'utf8'), { simd: true });
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that carries `bytes`, as committed in controller/kernels-binary.ts. */
export function binarySource(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,96}/g) ?? [];
  return [
    '// Generated from controller/kernels.wat by `node dist/test/support/wat.js --write`; do not edit.',
    '// test/controller/kernels.test.ts checks that these bytes are what the text assembles to.',
    'export const KERNELS_BASE64 =',
    ...lines.map((line, i) => `  '${line}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}

if (require.main === module && process.argv.includes('--write')) {
  assembleKernels().then((bytes) => {
    writeFileSync(BINARY_PATH, binarySource(bytes));
    process.stdout.write(`wrote ${path.relative(ROOT, BINARY_PATH)} (${bytes.length} bytes of WebAssembly)\n`);
  }, (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
