#!/usr/bin/env node
// Assembles wasm/gemm.wat with the pinned wabt into src/internal/wasm/gemmBytes.ts, a TypeScript module holding the bytes,
// so a fresh clone needs no build step and the library stays browser-safe (no file or fetch at run time).
//   node scripts/build-wasm.mjs          write src/internal/wasm/gemmBytes.ts
//   node scripts/build-wasm.mjs --check  exit 1 if the committed bytes differ from what the .wat assembles to
import { readFileSync, writeFileSync, renameSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assemble, render } from './wasm-module.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = join(root, 'src', 'internal', 'wasm', 'gemmBytes.ts')
const text = render(await assemble(readFileSync(join(root, 'wasm', 'gemm.wat'), 'utf8')))
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== text) {
    console.error('src/internal/wasm/gemmBytes.ts is stale: run pnpm --filter @puregrad/tensor build:wasm and commit it')
    process.exit(1)
  }
  console.log('src/internal/wasm/gemmBytes.ts matches wasm/gemm.wat')
} else {
  writeFileSync(`${target}.tmp`, text)
  renameSync(`${target}.tmp`, target)
  console.log(`wrote ${target}`)
}
