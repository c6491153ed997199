/**
 * Square matmul: puregrad (auto: WebAssembly SIMD at these sizes, and forced to its JS kernel) against a naive triple
 * loop, an i-k-j loop into a preallocated buffer, and tfjs (in its own process: see isolated.ts).
 */
import { pipe } from 'fp-ts/lib/function.js'
import { Matrix as M, Random as R } from '@puregrad/tensor'
import { matmulInto, naiveMatmul } from '../baselines.js'
import type { Row } from '../report.js'
import { samplesOf } from '../report.js'
import { measureWorkload } from '../isolated.js'
import type { Contender, MeasureOptions } from '../timing.js'
import { jsKernels, oneThread, useDefaults } from '../threads.js'

/** The operands every contender multiplies (the tfjs child builds them again: seeded). */
export const matmulOperands = (n: number) => {
  const [ka, kb] = R.split(R.key(n), 2)
  const a = R.normal(ka!, n, n)
  const b = R.normal(kb!, n, n)
  return { a, b, aData: Float64Array.from(a.data), bData: Float64Array.from(b.data) }
}

export const matmulWorkload = async (n: number, only: ReadonlySet<string> | undefined, options: MeasureOptions): Promise<Row> => {
  const { a, b, aData, bData } = matmulOperands(n)
  const out = new Float64Array(n * n)
  const contenders: Array<Contender> = [
    { name: 'puregrad', run: () => pipe(a, M.matmul(b)), prepare: async () => useDefaults() },
    { name: 'puregrad-1t', run: () => pipe(a, M.matmul(b)), prepare: async () => oneThread() },
    { name: 'puregrad-js', run: () => pipe(a, M.matmul(b)), prepare: async () => jsKernels() },
    { name: 'mutable', run: () => matmulInto(aData, bData, out, n, n, n) },
    { name: 'naive loop', run: () => naiveMatmul(aData, bData, n, n, n) }
  ]
  const timings = await measureWorkload(contenders, { kind: 'matmul', n }, only, options)
  const flops = 2 * n * n * n
  return {
    workload: `matmul ${n}×${n}`,
    unit: 'GFLOP/s',
    figures: Object.fromEntries(timings.map((t) => [t.name, flops / t.seconds / 1e9])),
    targets: n >= 256 ? { 'naive loop': 2, 'puregrad-js': 4, ...(n >= 512 ? { 'puregrad-1t': 1.7 } : {}) } : {},
    samples: samplesOf(timings)
  }
}
