// The WebAssembly that every visitor downloads stays small: at most 1 MB gzipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { root } from './harness.mjs';

test('the gzipped WebAssembly is at most 1 MB', () => {
  const wasm = readFileSync(join(root, 'web', 'dist', 'pkg', 'rugzak_web_bg.wasm'));
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  console.log(`rugzak_web_bg.wasm: ${wasm.length} bytes, ${gzipped} gzipped`);
  assert.ok(wasm.length > 100_000, 'the real module, not an empty file');
  assert.ok(gzipped <= 1_000_000, `${gzipped} bytes gzipped`);
});
