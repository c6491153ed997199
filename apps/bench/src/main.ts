/**
 * `pnpm bench`: puregrad against a hand-written mutable baseline, a naive loop and TensorFlow.js (cpu and wasm),
 * each workload with warm-up and interleaved repetitions (medians): puregrad, its JS path and the baselines in this
 * process, TensorFlow.js right after in a child process of its own (see isolated.ts).
 * Prints a table with puregrad's ratios to each contender and writes the same figures as JSON.
 *
 *   node dist/main.js [--out FILE] [--only xor,mid,matmul,cnn,conv] [--contenders puregrad,mutable] [--quick]
 */
import { renameSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { cnnWorkload, convWorkload } from './workloads/cnn.js'
import { matmulWorkload } from './workloads/matmul.js'
import { mlpWorkload } from './workloads/mlp.js'
import type { Row } from './report.js'
import { formatTable, ratios } from './report.js'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const list = (name: string): ReadonlySet<string> | undefined => {
  const v = arg(name)
  return v === undefined ? undefined : new Set(v.split(','))
}

const out = arg('out') ?? 'bench-results.json'
const only = list('only')
const contenders = list('contenders')
const options = process.argv.includes('--quick') ? { repetitions: 3, minSeconds: 0.05, warmupSeconds: 0.05 } : {}
const wanted = (w: string) => only === undefined || only.has(w)

const rows: Array<Row> = []
const emit = (row: Row) => {
  rows.push(row)
  console.log(formatTable([row]) + '\n')
}

console.log(`puregrad bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}\n`)
if (wanted('xor')) {
  emit(await mlpWorkload({ name: 'XOR', widths: [2, 2, 1], batch: 4, lr: 1, targets: { mutable: 0.5, 'tfjs-cpu': 100, ad: { atMost: 3 }, 'brain.js': 1 }, gflops: false }, contenders, options))
}
if (wanted('mid')) {
  emit(await mlpWorkload({ name: 'mid-size', widths: [784, 128, 10], batch: 64, lr: 0.01, targets: { mutable: 5, 'puregrad-js': 4, ad: { atMost: 1.2 }, 'puregrad-1t': 1.6, numpy: 1.2 }, gflops: true }, contenders, options))
}
if (wanted('matmul')) for (const n of [64, 256, 512]) emit(await matmulWorkload(n, contenders, options))
if (wanted('cnn')) emit(await cnnWorkload(contenders, options))
if (wanted('conv')) emit(await convWorkload(contenders, options))

const tmp = `${out}.${process.pid}.tmp`
writeFileSync(
  tmp,
  JSON.stringify({ node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString(), rows: rows.map((r) => ({ ...r, ratios: ratios(r) })) }, null, 2) + '\n'
)
renameSync(tmp, out)
console.log(`figures written to ${out}`)
