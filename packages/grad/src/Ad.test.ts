import fc from 'fast-check'
import { Kernel as K } from '@puregrad/tensor/internal/engine'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { key, normal, split, uniform } from '@puregrad/tensor/Random'
import { snapshot } from '@puregrad/tensor/testing/arbitraries'
import { describe, expect, it } from 'vitest'
import * as Ad from './Ad.js'
import * as B from './Backprop.js'
import type { DenseParams } from './Dense.js'
import { gradCheck } from './GradCheck.js'
import { anyNetwork } from './testing/cases.js'
import * as V from './Vjp.js'
import * as Tree from '@puregrad/tensor/Tree'
import { descendOf } from './internal/descend.js'

/** f's value as a number, for GradCheck: the ops compute plainly on untraced matrices. */
const valueOf = (m: Matrix | number): number => (typeof m === 'number' ? m : m.data[0]!)

/** Checks Ad's gradient of f against central differences at params. */
const expectGradient = <P extends Record<string, Matrix>>(f: (p: P) => Matrix, params: P, tolerance = 1e-6) => {
  const { grads } = Ad.valueAndGrad(f)(params)
  const check = gradCheck((p: P) => valueOf(f(p)), { tolerance })(params, grads)
  expect(check.worst.absError <= tolerance * Math.max(1, Math.abs(check.worst.analytic)) ? true : check).toBe(true)
  expect(check.passed).toBe(true)
}

const m = (seed: number, rows: number, cols: number, lo = -1.5, hi = 1.5) => uniform(key(seed), rows, cols, lo, hi)
/** Σ w ⊙ y for a fixed random w: a scalar that weighs every output entry differently (catches transposed cotangents). */
const weighed = (y: Matrix, seed = 99) => Ad.sum(Ad.mul(y, normal(key(seed), y.rows, y.cols)))

describe('every primitive passes GradCheck', () => {
  const shapes = [[1, 1], [3, 1], [1, 4], [3, 4]] as const
  it.each(['add', 'sub', 'mul', 'div'] as const)('%s, with every broadcast: n×1, 1×m, 1×1 and numbers, on either side', (op) => {
    for (const [ra, ca] of shapes) {
      for (const [rb, cb] of shapes) {
        const b = op === 'div' ? m(2, rb, cb, 0.5, 2) : m(2, rb, cb)
        expectGradient((p: { a: Matrix; b: Matrix }) => weighed(Ad[op](p.a, p.b)), { a: m(1, ra, ca), b })
        const out = Ad[op](m(1, ra, ca), b)
        expect([out.rows, out.cols]).toEqual([Math.max(ra, rb), Math.max(ca, cb)])
      }
    }
    expectGradient((p: { a: Matrix }) => weighed(Ad[op](p.a, 1.5)), { a: m(1, 3, 4) })
    expectGradient((p: { a: Matrix }) => weighed(Ad[op](2.5, p.a)), { a: op === 'div' ? m(1, 3, 4, 0.5, 2) : m(1, 3, 4) })
  })
  it.each([
    ['neg', Ad.neg, -2, 2],
    ['exp', Ad.exp, -2, 2],
    ['log', Ad.log, 0.3, 3],
    ['tanh', Ad.tanh, -2, 2],
    ['sigmoid', Ad.sigmoid, -3, 3],
    ['relu', Ad.relu, -2, 2],
    ['softplus', Ad.softplus, -3, 3],
    ['square', Ad.square, -2, 2],
    ['sqrt', Ad.sqrt, 0.3, 3],
    ['softmax', Ad.softmax, -2, 2],
    ['logSoftmax', Ad.logSoftmax, -2, 2]
  ] as const)('%s', (_, op, lo, hi) => {
    expectGradient((p: { x: Matrix }) => weighed(op(p.x)), { x: m(3, 4, 5, lo, hi) })
  })
  it('matmul and transpose', () => {
    expectGradient((p: { a: Matrix; b: Matrix }) => weighed(Ad.matmul(p.a, p.b)), { a: m(4, 3, 5), b: m(5, 5, 2) })
    expectGradient((p: { a: Matrix }) => weighed(Ad.transpose(p.a)), { a: m(6, 3, 5) })
  })
  it.each([0, 1, undefined] as const)('sum and mean over axis %s', (axis) => {
    expectGradient((p: { x: Matrix }) => weighed(Ad.sum(p.x, axis)), { x: m(7, 3, 4) })
    expectGradient((p: { x: Matrix }) => weighed(Ad.mean(p.x, axis)), { x: m(7, 3, 4) })
    expect([Ad.sum(m(7, 3, 4), axis).rows, Ad.sum(m(7, 3, 4), axis).cols]).toEqual(axis === 0 ? [1, 4] : axis === 1 ? [3, 1] : [1, 1])
  })
  it('reshape, sliceRows, concatRows', () => {
    expectGradient((p: { x: Matrix }) => weighed(Ad.reshape(p.x, 2, 6)), { x: m(8, 3, 4) })
    expectGradient((p: { x: Matrix }) => weighed(Ad.sliceRows(p.x, 1, 3)), { x: m(8, 4, 3) })
    expectGradient((p: { a: Matrix; b: Matrix }) => weighed(Ad.concatRows([p.a, m(1, 1, 3), p.b, p.a])), { a: m(9, 2, 3), b: m(10, 3, 3) })
  })
  it.each(['identity', 'sigmoid', 'tanh', 'relu', 'softplus', 'softmax', 'leakyRelu'] as const)('dense with %s', (activation) => {
    expectGradient((p: { W: Matrix; b: Matrix; x: Matrix }) => weighed(Ad.dense({ W: p.W, b: p.b }, p.x, activation)), {
      W: m(11, 4, 3),
      b: m(12, 4, 1),
      x: m(13, 3, 5)
    })
  })
  it.each(['sum', 'mean'] as const)('the fused losses, reduction %s', (reduction) => {
    const z = { z: m(14, 3, 5, -3, 3) }
    const bits = M.map((v) => (v > 0 ? 1 : 0))(m(15, 3, 5))
    expectGradient((p: typeof z) => Ad.binaryCrossEntropyWithLogits(p.z, bits, reduction), z)
    const oneHot = M.makeBy(3, 5, (i, j) => (i === j % 3 ? 1 : 0))
    expectGradient((p: typeof z) => Ad.softmaxCrossEntropy(p.z, oneHot, reduction), z)
    expectGradient((p: typeof z) => Ad.softmaxCrossEntropyWithIntegerLabels(p.z, M.row([0, 1, 2, 0, 1]), reduction), z)
    expect(Ad.softmaxCrossEntropyWithIntegerLabels(z.z, M.row([0, 1, 2, 0, 1]), reduction).data[0]).toBe(Ad.softmaxCrossEntropy(z.z, oneHot, reduction).data[0])
    expectGradient((p: typeof z) => Ad.squaredError(p.z, m(16, 3, 5), reduction), z)
  })
  it('random compositions of every op, shapes up to 4×4', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (seed, r, c) => {
        const [ka, kb] = split(key(seed), 2)
        const f = (p: { a: Matrix; b: Matrix }) => {
          const h = Ad.tanh(Ad.add(Ad.mul(p.a, p.b), Ad.sum(p.b, 0))) // r×c plus a broadcast 1×c
          const s = Ad.softmax(Ad.concatRows([h, Ad.sliceRows(Ad.sigmoid(p.a), 0, 1)])) // (r+1)×c
          const fit = Ad.mean(Ad.square(Ad.sub(Ad.sliceRows(s, 0, r), Ad.exp(Ad.neg(p.b)))))
          return Ad.add(fit, Ad.div(Ad.sum(Ad.matmul(Ad.transpose(p.a), p.b)), 3))
        }
        expectGradient(f, { a: uniform(ka!, r, c, -1, 1), b: uniform(kb!, r, c, -1, 1) })
      }),
      { numRuns: 40 }
    )
  })
})

/** The network of a Backprop stack, written with Ad.dense and the fused loss that matches its output pair. */
const adLoss = (stack: B.DenseStack) => (params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix) => {
  const last = params.length - 1
  let h: Matrix = x
  params.forEach((p, l) => {
    const act = stack.activations[l]!
    // The canonical output pairs leave their activation to the loss, as Backprop's fused path does.
    const fused = l === last && act.name === stack.loss.canonical
    h = Ad.dense(p, h, fused ? 'identity' : act)
  })
  switch (stack.loss.name) {
    case 'binaryCrossEntropy':
      return Ad.binaryCrossEntropyWithLogits(h, y, stack.reduction)
    case 'softmaxCrossEntropy':
      return Ad.softmaxCrossEntropy(h, y, stack.reduction)
    case 'squaredError':
    case 'meanSquaredError':
  case 'meanSquaredError':
      return Ad.squaredError(h, y, stack.reduction)
  }
}

describe('a dense stack through Ad gives Backprop\'s bits', () => {
  it.each(['js', 'wasm'] as const)('on random networks, activations, losses and reductions (%s kernels)', (backend) => {
    fc.assert(
      fc.property(anyNetwork, ({ stack, params, x, y }) => {
        const [ours, reference] = K.withBackend(backend, () => [Ad.valueAndGrad(adLoss(stack))(params, x, y), B.lossAndGradients(stack)(params, x, y)] as const)
        expect(Object.is(ours.value, reference.loss)).toBe(true)
        ours.grads.forEach((g, l) => {
          expect(M.equals(g.W, reference.grads[l]!.W)).toBe(true)
          expect(M.equals(g.b, reference.grads[l]!.b)).toBe(true)
        })
      }),
      { numRuns: 150 }
    )
  })
})

describe('pure from the outside', () => {
  it('leaves params and arguments untouched, and gives grads of exactly the params\' shape', () => {
    const params = { layers: [{ W: m(20, 3, 2), b: m(21, 3, 1) }], scale: m(22, 1, 1) }
    const x = m(23, 2, 4)
    const before = [snapshot(params.layers[0]!.W), snapshot(params.layers[0]!.b), snapshot(params.scale), snapshot(x)]
    const { grads } = Ad.valueAndGrad((p: typeof params, input: Matrix) => Ad.sum(Ad.mul(Ad.dense(p.layers[0]!, input, 'tanh'), p.scale)))(params, x)
    expect([snapshot(params.layers[0]!.W), snapshot(params.layers[0]!.b), snapshot(params.scale), snapshot(x)]).toEqual(before)
    expect(Object.keys(grads)).toEqual(['layers', 'scale'])
    expect([grads.layers[0]!.W.rows, grads.layers[0]!.W.cols, grads.layers[0]!.b.rows, grads.scale.cols]).toEqual([3, 2, 3, 1])
  })
  it('a 1×1 gradient that is the seed passed through (the result itself, or a sum with it) is the caller\'s own', () => {
    const fs = [(p: { s: Matrix }) => p.s, (p: { s: Matrix }) => Ad.add(p.s, 2), (p: { s: Matrix }) => Ad.add(p.s, p.s)]
    for (const f of fs) {
      const first = Ad.grad(f)({ s: M.column([3]) })
      ;(first.s.data as Float64Array)[0] = 99 // a caller writing into its gradient must not reach the next call
      expect(Array.from(Ad.grad(f)({ s: M.column([3]) }).s.data)).toEqual([f === fs[2] ? 2 : 1])
    }
  })
  it('a parameter the result does not depend on gets zeros', () => {
    const { grads } = Ad.valueAndGrad((p: { used: Matrix; unused: Matrix }) => Ad.sum(p.used))({ used: m(1, 2, 2), unused: m(2, 3, 1) })
    expect(Array.from(grads.unused.data)).toEqual([0, 0, 0])
  })
  it('nested and interleaved calls do not interfere', () => {
    const inner = Ad.valueAndGrad((q: { v: Matrix }) => Ad.sum(Ad.square(q.v)))
    const outer = Ad.valueAndGrad((p: { w: Matrix }) => {
      const g = inner({ v: M.fill(1, 2, 3) }).grads.v // a constant computed by another call, inside this one
      return Ad.sum(Ad.mul(p.w, g))
    })
    const r = outer({ w: M.row([1, 2]) })
    expect(r.value).toBe(18)
    expect(Array.from(r.grads.w.data)).toEqual([6, 6])
  })
  it('records declared with an interface type-check as params', () => {
    interface Layer {
      readonly W: Matrix
      readonly b: Matrix
    }
    interface Net {
      readonly hidden: Layer
      readonly out: Layer
    }
    const net: Net = { hidden: { W: m(1, 3, 2), b: m(2, 3, 1) }, out: { W: m(3, 1, 3), b: m(4, 1, 1) } }
    const x = m(5, 2, 4)
    const f = (p: Net) => Ad.sum(Ad.dense(p.out, Ad.dense(p.hidden, x, 'tanh')))
    const grads: Net = Ad.grad(f)(net)
    expect(grads.out.W.cols).toBe(3)
    expect(gradCheck((p: Net) => f(p).data[0]!)(net, grads).passed).toBe(true) // GradCheck takes interface records too
  })
})

describe('a value used many times', () => {
  it('gets the sum of its cotangents in the sweep\'s order, bit for bit, however many there are', () => {
    // An RNN's recurrence: W and b are used at every step. As T separate copies of W and b (each used once), the
    // gradients are the steps' own contributions; the sweep meets them last step first and adds them in that order.
    const T = 7
    const xs = Array.from({ length: T }, (_, t) => m(40 + t, 3, 2))
    const run = (Ws: ReadonlyArray<Matrix>, bs: ReadonlyArray<Matrix>) => {
      let h: Matrix = M.zeros(3, 2)
      for (let t = 0; t < T; t++) h = Ad.tanh(Ad.add(Ad.add(Ad.matmul(Ws[t]!, h), xs[t]!), bs[t]!))
      return weighed(h)
    }
    const W = m(30, 3, 3), b = m(31, 3, 1)
    const shared = Ad.valueAndGrad((p: { W: Matrix; b: Matrix }) => run(Array(T).fill(p.W), Array(T).fill(p.b)))({ W, b })
    const copies = Ad.valueAndGrad((p: { Ws: Array<Matrix>; bs: Array<Matrix> }) => run(p.Ws, p.bs))({ Ws: Array(T).fill(W), bs: Array(T).fill(b) })
    const inSweepOrder = (gs: ReadonlyArray<Matrix>) => gs.reduceRight((sum, g) => M.add(g)(sum))
    expect(shared.value).toBe(copies.value)
    expect(snapshot(shared.grads.W)).toEqual(snapshot(inSweepOrder(copies.grads.Ws)))
    expect(snapshot(shared.grads.b)).toEqual(snapshot(inSweepOrder(copies.grads.bs)))
  })
  it('adds into a sum it made, never into a cotangent a VJP handed over (add gives one array to both inputs)', () => {
    // W² is recorded first, W + V last, so the sweep meets W + V first: add's VJP hands its cotangent g itself to W
    // and to V. W's second contribution (from W²) must make a new sum: adding it into g would change V's gradient.
    const w = normal(key(99), 2, 3), v = normal(key(7), 2, 3)
    const f = (p: { W: Matrix; V: Matrix }) => {
      const square = Ad.mul(p.W, p.W)
      return Ad.add(Ad.sum(Ad.mul(square, v)), Ad.sum(Ad.mul(Ad.add(p.W, p.V), w)))
    }
    const W = m(50, 2, 3), V = m(51, 2, 3)
    const { grads } = Ad.valueAndGrad(f)({ W, V })
    expect(snapshot(grads.V)).toEqual(snapshot(w)) // ∂/∂V = w exactly
    // w + 2·v ⊙ W, as the sweep sums it: w (from W + V), then v ⊙ W once for each of W²'s two inputs
    grads.W.data.forEach((g, q) => expect(g).toBe(w.data[q]! + v.data[q]! * W.data[q]! + v.data[q]! * W.data[q]!))
    expectGradient(f, { W, V })
  })
})

describe('errors', () => {
  it('a shape mismatch names the op and both shapes', () => {
    expect(() => Ad.add(M.zeros(2, 3), M.zeros(3, 2))).toThrow('Ad.add: shapes 2×3 and 3×2 do not broadcast')
    expect(() => Ad.matmul(M.zeros(2, 3), M.zeros(2, 3))).toThrow('Ad.matmul: (2×3)·(2×3): inner dimensions 3 ≠ 2')
    expect(() => Ad.dense({ W: M.zeros(2, 3), b: M.zeros(3, 1) }, M.zeros(3, 1))).toThrow('Ad.dense: b must be 2×1 for W 2×3, got 3×1')
    expect(() => Ad.reshape(M.zeros(2, 3), 4, 2)).toThrow('Ad.reshape: cannot reshape 2×3 (6 entries) to 4×2')
    expect(() => Ad.sliceRows(M.zeros(2, 3), 1, 4)).toThrow('Ad.sliceRows: rows [1, 4) of 2×3')
    expect(() => Ad.concatRows([M.zeros(2, 3), M.zeros(2, 2)])).toThrow('Ad.concatRows: every part needs 3 columns (as the first), got 2×2')
  })
  it('a non-scalar result, a non-matrix leaf, an escaped traced value, a traced value read as data', () => {
    expect(() => Ad.grad((p: { x: Matrix }) => Ad.square(p.x))({ x: M.zeros(2, 2) })).toThrow('Ad.valueAndGrad: the function must return a 1×1 matrix (a scalar loss), got 2×2')
    expect(() => Ad.grad((p: { layers: Array<{ W: unknown }> }) => Ad.sum(p.layers[0]!.W as Matrix))({ layers: [{ W: 3 }] })).toThrow(
      'Ad.valueAndGrad: params.layers[0].W: expected a matrix (or a record or array of them), got number'
    )
    expect(() => Ad.grad((p: { x: Matrix }) => Ad.sum(p.x))({ x: new Map() as never })).toThrow(
      'Ad.valueAndGrad: params.x: expected a matrix (or a record or array of them), got an object that is not a plain record'
    )
    expect(() => Ad.grad((p: { x: Matrix }) => Ad.sum(p.x))({ x: { rows: 1, cols: 2, data: [1, 2] } as never })).toThrow(
      "Ad.valueAndGrad: a 1×2 parameter's data is not a Float64Array"
    )
    let escaped: Matrix | undefined
    Ad.grad((p: { x: Matrix }) => ((escaped = Ad.tanh(p.x)), Ad.sum(p.x)))({ x: M.zeros(1, 1) })
    expect(() => Ad.exp(escaped!)).toThrow('Ad.exp: a traced value was used after its valueAndGrad call ended')
    expect(() => Ad.grad((p: { x: Matrix }) => Ad.sum(M.scale(2)(p.x)))({ x: M.zeros(1, 1) })).toThrow(/read outside Ad's ops .*Ad\.stopGradient/)
  })
  it('a traced value of one call used as another call\'s parameter is refused (nested differentiation), by name', () => {
    const inner = (outerValue: Matrix) => Ad.grad((q: { v: Matrix }) => Ad.sum(q.v))({ v: outerValue })
    expect(() => Ad.grad((p: { x: Matrix }) => Ad.sum(Ad.mul(p.x, inner(p.x).v)))({ x: M.zeros(1, 1) })).toThrow(
      'Ad.valueAndGrad: a parameter is a traced value of another call: nested differentiation is not supported'
    )
  })
  it('stopGradient makes a constant: no gradient flows through it', () => {
    const { grads } = Ad.valueAndGrad((p: { x: Matrix }) => Ad.sum(Ad.mul(p.x, Ad.stopGradient(p.x))))({ x: M.row([2, 3]) })
    expect(Array.from(grads.x.data)).toEqual([2, 3])
  })
})

describe('Ad.objective', () => {
  it('is f\'s value and gradient as { loss, grads }, for Train', () => {
    const f = (p: { a: Matrix; b: Matrix }, batch: Matrix) => Ad.sum(Ad.mul(Ad.tanh(p.a), Ad.mul(p.b, batch)))
    const params = { a: m(40, 2, 3), b: m(41, 2, 3) }
    const direct = Ad.valueAndGrad(f)(params, m(42, 2, 3))
    const viaObjective = Ad.objective(f)(params, m(42, 2, 3))
    expect(viaObjective.loss).toBe(direct.value)
    expect(M.equals(viaObjective.grads.a, direct.grads.a) && M.equals(viaObjective.grads.b, direct.grads.b)).toBe(true)
  })
})

describe('Ad.objective\'s gradient step (Train.step\'s private route with plain SGD)', () => {
  /** The reference: f's gradients, then θ + factor·g on every leaf as SGD applies it. */
  const stepThenApply = <P extends object, Bt>(f: (p: P, batch: Bt) => Matrix, params: P, batch: Bt, factor: number) => {
    const { value, grads } = Ad.valueAndGrad(f)(params, batch)
    return { loss: value, params: Tree.zipWith(grads as unknown as Tree.Tree, (p, g) => M.axpy(factor, g)(p))(params as unknown as Tree.Tree) }
  }
  const fused = <P, Bt>(f: (p: P, batch: Bt) => Matrix) => descendOf<P, Bt>(Ad.objective(f))!
  const sameTree = (a: unknown, b: unknown) => {
    const la = Tree.leaves(a as Tree.Tree), lb = Tree.leaves(b as Tree.Tree)
    expect(la.length).toBe(lb.length)
    la.forEach((leaf, i) => expect(M.equals(leaf, lb[i]!)).toBe(true))
    const structure = (t: unknown) => JSON.stringify(t, (_, v: unknown) => (v instanceof Object && ArrayBuffer.isView((v as Matrix).data) ? `${(v as Matrix).rows}×${(v as Matrix).cols}` : v))
    expect(structure(a)).toBe(structure(b))
  }
  it.each(['js', 'wasm'] as const)('gives the bits of gradients then SGD on random dense networks (%s kernels)', (backend) => {
    fc.assert(
      fc.property(anyNetwork, fc.double({ min: -2, max: 2, noNaN: true }), ({ stack, params, x, y }, factor) => {
        const f = (p: ReadonlyArray<DenseParams>, batch: { x: Matrix; y: Matrix }) => adLoss(stack)(p, batch.x, batch.y)
        const before = params.map((p) => [snapshot(p.W), snapshot(p.b)])
        const [ours, reference] = K.withBackend(backend, () => [fused(f)(params, { x, y }, factor), stepThenApply(f, params, { x, y }, factor)] as const)
        expect(Object.is(ours.loss, reference.loss)).toBe(true)
        sameTree(ours.params, reference.params)
        expect(params.map((p) => [snapshot(p.W), snapshot(p.b)])).toEqual(before)
      }),
      { numRuns: 100 }
    )
  })
  it('steps leaves used twice (tied weights), unused, an input that is a parameter, and a result that is a leaf, after the sweep', () => {
    type P = { readonly W: Matrix; readonly b1: Matrix; readonly b2: Matrix; readonly x: Matrix; readonly unused: Matrix; readonly s: Matrix }
    const params: P = { W: m(50, 3, 4), b1: m(51, 3, 1), b2: m(52, 4, 1), x: m(53, 4, 2), unused: m(54, 2, 2), s: m(55, 1, 1) }
    const tied = (p: P, y: Matrix) => {
      const h = Ad.dense({ W: p.W, b: p.b1 }, p.x, 'tanh') // W used here and, transposed, below
      return Ad.add(Ad.squaredError(Ad.dense({ W: Ad.transpose(p.W), b: p.b2 }, h), y, 'mean'), Ad.square(p.s))
    }
    const y = m(56, 4, 2)
    const ours = fused(tied)(params, y, -0.1), reference = stepThenApply(tied, params, y, -0.1)
    expect(Object.is(ours.loss, reference.loss)).toBe(true)
    sameTree(ours.params, reference.params)
    const leafResult = (p: { a: Matrix; W: Matrix; b: Matrix }) => Ad.add(p.a, Ad.sum(Ad.dense({ W: p.W, b: p.b }, p.a)))
    const q = { a: m(57, 1, 1), W: m(58, 2, 1), b: m(59, 2, 1) }
    sameTree(fused(leafResult)(q, undefined, 0.5).params, stepThenApply(leafResult, q, undefined, 0.5).params)
    const onlyResult = (p: { a: Matrix }) => p.a
    sameTree(fused(onlyResult)({ a: m(60, 1, 1) }, undefined, 0.5).params, stepThenApply(onlyResult, { a: m(60, 1, 1) }, undefined, 0.5).params)
  })
})

describe('customVjp', () => {
  it('turns a Vjp Differentiable (the closed-form affine layer) into an op: same gradients as Ad.dense', () => {
    const affine = Ad.customVjp(V.affine())
    const p = { W: m(30, 3, 2), b: m(31, 3, 1) as Matrix<number, 1>, x: m(32, 2, 4) }
    const viaCustom = Ad.valueAndGrad((q: typeof p) => weighed(affine({ W: q.W, b: q.b }, q.x)))(p)
    const viaDense = Ad.valueAndGrad((q: typeof p) => weighed(Ad.dense({ W: q.W, b: q.b }, q.x)))(p)
    expect(viaCustom.value).toBe(viaDense.value)
    for (const k of ['W', 'b', 'x'] as const) expect(M.equals(viaCustom.grads[k], viaDense.grads[k])).toBe(true)
  })
  it('turns a forward rule and its VJP into an op, and checks the cotangents\' shapes', () => {
    // cube(x) = x³, ∂/∂x = 3x²·g
    const cube = Ad.customVjp({
      name: 'cube',
      forward: (x: Matrix) => [M.map((v) => v * v * v)(x), x] as const,
      vjp: (x: Matrix, g: Matrix) => [M.hadamard(M.map((v) => 3 * v * v)(x))(g)]
    })
    expectGradient((p: { x: Matrix }) => weighed(cube(p.x)), { x: m(33, 2, 3) })
    const wrong = Ad.customVjp({ forward: (x: Matrix) => [x, undefined] as const, vjp: () => [M.zeros(1, 1)] })
    expect(() => Ad.grad((p: { x: Matrix }) => Ad.sum(wrong(p.x)))({ x: M.zeros(2, 2) })).toThrow('Ad.customVjp: the VJP returned 1×1 for input 0, which is 2×2')
  })
})
