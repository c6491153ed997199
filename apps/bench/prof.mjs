import { adTraining } from './dist/adStep.js'
import { mlpSetup } from './dist/workloads/mlp.js'
import * as T from '@puregrad/mlp/Train'
import * as Opt from '@puregrad/mlp/Optimizer'
const name = process.argv[2] ?? 'XOR'
const w = name === 'XOR' ? { name: 'XOR', widths: [2, 2, 1], batch: 4, lr: 1, targets: {}, gflops: false } : { name: 'mid', widths: [784, 128, 10], batch: 64, lr: 0.01, targets: {}, gflops: true }
const s = mlpSetup(w)
const ad = adTraining(s.params, w.lr)
let st = ad.initial
const opt = Opt.sgd(w.lr); const step = T.step(s.spec, opt); let ps = T.initialState(opt)(s.params)
const n = name === 'XOR' ? 3e5 : 300
const time = (f) => { const t = performance.now(); for (let i = 0; i < n; i++) f(); return (performance.now() - t) / n }
const r = []
for (let round = 0; round < 7; round++) {
  const a = time(() => { st = ad.step(st, s.x, s.y) }), b = time(() => { ps = step(ps, { x: s.x, y: s.y }) })
  r.push(a / b)
}
r.sort((a, b) => a - b); console.log(name, 'ad/fused time ratios', r.map((v) => v.toFixed(2)).join(' '), 'median', r[3].toFixed(2))
