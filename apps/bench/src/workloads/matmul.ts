/** Square matmul at several sizes: puregrad's kernel against the naive triple loop, in GFLOP/s (2n³ flops). */
import { pipe } from 'fp-ts/lib/function.js'
import { Matrix as M, Random as R } from '@puregrad/tensor'
import { naiveMatmul } from '../baselines.js'
import type { Row } from '../report.js'
import { measure } from '../timing.js'

export const matmulWorkloads = (sizes: ReadonlyArray<number>): ReadonlyArray<Row> =>
  sizes.map((n) => {
    const [ka, kb] = R.split(R.key(n), 2)
    const a = R.normal(ka!, n, n)
    const b = R.normal(kb!, n, n)
    const aData = Float64Array.from(a.data)
    const bData = Float64Array.from(b.data)
    const timings = measure([
      { name: 'puregrad', run: () => pipe(a, M.matmul(b)) },
      { name: 'naive loop', run: () => naiveMatmul(aData, bData, n, n, n) }
    ])
    const flops = 2 * n * n * n
    return {
      workload: `matmul ${n}×${n}`,
      unit: 'GFLOP/s',
      figures: Object.fromEntries(timings.map((t) => [t.name, flops / t.seconds / 1e9])),
      targets: n >= 256 ? { 'naive loop': 2 } : {}
    }
  })
