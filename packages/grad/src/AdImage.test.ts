import fc from 'fast-check'
import { Kernel as K } from '@puregrad/tensor/internal/engine'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { key, normal, uniform } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import * as Ad from './Ad.js'
import { gradCheck } from './GradCheck.js'

const m = (seed: number, rows: number, cols: number, lo = -1.5, hi = 1.5) => uniform(key(seed), rows, cols, lo, hi)
/** Σ w ⊙ y for a fixed random w: every output entry weighed differently, so a misplaced cotangent shows. */
const weighed = (y: Matrix, seed = 99) => Ad.sum(Ad.mul(y, normal(key(seed), y.rows, y.cols)))

const expectGradient = <P extends Record<string, Matrix>>(f: (p: P) => Matrix, params: P, tolerance = 1e-6) => {
  const { grads } = Ad.valueAndGrad(f)(params)
  const check = gradCheck((p: P) => f(p).data[0]!, { tolerance })(params, grads)
  expect(check.passed ? true : check.worst).toBe(true)
}

/** Direct loops over PyTorch's definition of conv2d, a reference independent of im2col. */
const naiveConv = (W: Matrix, b: Matrix, x: Matrix, o: Required<Omit<Ad.Conv2dOptions, 'kernel' | 'stride' | 'padding'>> & { kh: number; kw: number; sh: number; sw: number; ph: number; pw: number }) => {
  const { channels: C, height: H, width: Wd, kh, kw, sh, sw, ph, pw } = o
  const OH = Math.floor((H + 2 * ph - kh) / sh) + 1, OW = Math.floor((Wd + 2 * pw - kw) / sw) + 1
  return M.makeBy(W.rows * OH * OW, x.cols, (r, n) => {
    const f = Math.floor(r / (OH * OW)), oh = Math.floor((r % (OH * OW)) / OW), ow = r % OW
    let s = b.data[f]!
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const ih = oh * sh + i - ph, iw = ow * sw + j - pw
          if (ih >= 0 && ih < H && iw >= 0 && iw < Wd) s += W.data[f * W.cols + (c * kh + i) * kw + j]! * x.data[((c * H + ih) * Wd + iw) * x.cols + n]!
        }
    return s
  })
}

/** Random conv geometries that fit: channels, image, kernel, stride, padding, filters, batch. */
const anyConv = fc
  .record({
    channels: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 6 }),
    width: fc.integer({ min: 1, max: 6 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    filters: fc.integer({ min: 1, max: 3 }),
    batch: fc.integer({ min: 1, max: 3 }),
    seed: fc.nat()
  })
  .filter((g) => g.kh <= g.height + 2 * g.ph && g.kw <= g.width + 2 * g.pw)

describe('conv2d', () => {
  it('matches direct loops over PyTorch\'s definition, on random shapes, strides and paddings, and its output shape is conv2dShape\'s', () => {
    fc.assert(
      fc.property(anyConv, (g) => {
        const options = { channels: g.channels, height: g.height, width: g.width, kernel: [g.kh, g.kw], stride: [g.sh, g.sw], padding: [g.ph, g.pw] } as const
        const W = m(g.seed, g.filters, g.channels * g.kh * g.kw), b = m(g.seed + 1, g.filters, 1), x = m(g.seed + 2, g.channels * g.height * g.width, g.batch)
        const y = Ad.conv2d({ W, b }, x, options)
        expect(M.approxEquals(1e-12)(y, naiveConv(W, b, x, { ...g }))).toBe(true)
        const shape = Ad.conv2dShape(options, g.filters)
        expect(y.rows).toBe(shape.channels * shape.height * shape.width)
      }),
      { numRuns: 200 }
    )
  })
  it('passes GradCheck for W, b and x on random shapes, strides and paddings', () => {
    fc.assert(
      fc.property(anyConv, (g) => {
        const options = { channels: g.channels, height: g.height, width: g.width, kernel: [g.kh, g.kw], stride: [g.sh, g.sw], padding: [g.ph, g.pw] } as const
        expectGradient((p: { W: Matrix; b: Matrix; x: Matrix }) => weighed(Ad.conv2d(p, p.x, options)), {
          W: m(g.seed, g.filters, g.channels * g.kh * g.kw),
          b: m(g.seed + 1, g.filters, 1),
          x: m(g.seed + 2, g.channels * g.height * g.width, g.batch)
        })
      }),
      { numRuns: 60 }
    )
  })
  it('gives the same bits on the JS and WASM kernels (products large enough for WASM)', () => {
    const options = { channels: 8, height: 12, width: 12, kernel: [3, 3], padding: 1 } as const
    const p = { W: m(1, 16, 72), b: m(2, 16, 1), x: m(3, 8 * 144, 32) }
    const f = (q: typeof p) => weighed(Ad.relu(Ad.conv2d(q, q.x, options)))
    const [js, wasm] = (['js', 'wasm'] as const).map((backend) => K.withBackend(backend, () => Ad.valueAndGrad(f)(p)))
    expect(Object.is(js!.value, wasm!.value)).toBe(true)
    for (const leaf of ['W', 'b', 'x'] as const) expect(M.equals(js!.grads[leaf], wasm!.grads[leaf])).toBe(true)
  })
  it('takes numbers or [h, w] pairs, with stride 1 and padding 0 by default', () => {
    const W = m(1, 2, 9), b = m(2, 2, 1), x = m(3, 25, 2)
    const y = Ad.conv2d({ W, b }, x, { channels: 1, height: 5, width: 5, kernel: 3 })
    expect(M.equals(y, Ad.conv2d({ W, b }, x, { channels: 1, height: 5, width: 5, kernel: [3, 3], stride: [1, 1], padding: [0, 0] }))).toBe(true)
    expect(Ad.conv2dShape({ channels: 1, height: 5, width: 5, kernel: 3 }, 2)).toEqual({ channels: 2, height: 3, width: 3 })
    expect(Ad.conv2dShape({ channels: 1, height: 8, width: 8, kernel: 3, padding: 1, stride: 2 }, 4)).toEqual({ channels: 4, height: 4, width: 4 })
  })
  it('names the op and the shapes when they do not fit', () => {
    const x = m(3, 25, 2)
    expect(() => Ad.conv2d({ W: m(1, 2, 8), b: m(2, 2, 1) }, x, { channels: 1, height: 5, width: 5, kernel: 3 })).toThrow(/Ad\.conv2d: W must be out × 1·3·3 = out × 9.*got 2×8/)
    expect(() => Ad.conv2d({ W: m(1, 2, 9), b: m(2, 3, 1) }, x, { channels: 1, height: 5, width: 5, kernel: 3 })).toThrow(/b must be 2×1/)
    expect(() => Ad.conv2d({ W: m(1, 2, 9), b: m(2, 2, 1) }, x, { channels: 1, height: 4, width: 5, kernel: 3 })).toThrow(/must hold 1·4·5 = 20 values.*got 25×2/)
    expect(() => Ad.conv2dShape({ channels: 1, height: 2, width: 5, kernel: 3 }, 1)).toThrow(/a 3×3 kernel does not fit a 2×5 image/)
    expect(() => Ad.conv2dShape({ channels: 1, height: 5, width: 5, kernel: 0 }, 1)).toThrow(/kernel must be an integer ≥ 1/)
    expect(() => Ad.conv2dShape({ channels: 1, height: 5, width: 5, kernel: 3, padding: -1 }, 1)).toThrow(/padding must be an integer ≥ 0/)
    expect(() => Ad.conv2dShape({ channels: 1.5, height: 5, width: 5, kernel: 3 }, 1)).toThrow(/channels must be a positive integer/)
  })
})

const anyPool = fc
  .record({
    channels: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 1, max: 6 }),
    width: fc.integer({ min: 1, max: 6 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), { nil: undefined }),
    batch: fc.integer({ min: 1, max: 3 }),
    seed: fc.nat()
  })
  .filter((g) => g.kh <= g.height && g.kw <= g.width)

describe('maxPool2d and avgPool2d', () => {
  it('pass GradCheck on random shapes, kernels and strides (overlapping windows included), with pool2dShape\'s shape', () => {
    fc.assert(
      fc.property(anyPool, (g) => {
        const options = { channels: g.channels, height: g.height, width: g.width, kernel: [g.kh, g.kw] as const, ...(g.stride ? { stride: g.stride } : {}) }
        const x = m(g.seed, g.channels * g.height * g.width, g.batch)
        expectGradient((p: { x: Matrix }) => weighed(Ad.maxPool2d(p.x, options)), { x })
        expectGradient((p: { x: Matrix }) => weighed(Ad.avgPool2d(p.x, options)), { x })
        const shape = Ad.pool2dShape(options)
        expect(Ad.maxPool2d(x, options).rows).toBe(shape.channels * shape.height * shape.width)
      }),
      { numRuns: 80 }
    )
  })
  it('compute the max and the mean of each window, channel by channel', () => {
    // One 2-channel 2×4 image, as a column in (c, h, w) order.
    const x = M.column([1, 5, 2, 0, 3, 4, -1, 8, /* channel 1 */ 0, 0, 1, 1, 2, 2, 3, 3])
    const options = { channels: 2, height: 2, width: 4, kernel: 2 }
    expect(Array.from(Ad.maxPool2d(x, options).data)).toEqual([5, 8, 2, 3])
    expect(Array.from(Ad.avgPool2d(x, options).data)).toEqual([13 / 4, 9 / 4, 1, 2])
  })
  it('maxPool2d sends the gradient to the first maximum of a tie, and propagates NaN', () => {
    const options = { channels: 1, height: 2, width: 2, kernel: 2 }
    const { grads } = Ad.valueAndGrad((p: { x: Matrix }) => Ad.sum(Ad.maxPool2d(p.x, options)))({ x: M.column([1, 3, 3, 2]) })
    expect(Array.from(grads.x.data)).toEqual([0, 1, 0, 0])
    expect(Ad.maxPool2d(M.column([1, NaN, 3, 2]), options).data[0]).toBeNaN()
  })
})

describe('layerNorm', () => {
  it('passes GradCheck for gamma, beta and x on random shapes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (n, batch, seed) => {
        expectGradient((p: { gamma: Matrix; beta: Matrix; x: Matrix }) => weighed(Ad.layerNorm(p, p.x)), {
          gamma: m(seed, n, 1),
          beta: m(seed + 1, n, 1),
          x: m(seed + 2, n, batch)
        })
      }),
      { numRuns: 60 }
    )
  })
  it('normalises each column to mean 0 and (biased) variance 1 − its ε share, then scales and shifts', () => {
    const x = M.makeBy(4, 3, (i, j) => (i + 1) * (j + 1) + j)
    const y = Ad.layerNorm({ gamma: M.fill(4, 1, 1), beta: M.fill(4, 1, 0) }, x, { eps: 0 })
    for (let j = 0; j < 3; j++) {
      const column = M.columnValues(y, j)
      const mean = column.reduce((a, v) => a + v, 0) / 4
      expect(Math.abs(mean)).toBeLessThan(1e-15)
      expect(column.reduce((a, v) => a + v * v, 0) / 4).toBeCloseTo(1, 14)
    }
    const shifted = Ad.layerNorm({ gamma: M.fill(4, 1, 2), beta: M.fill(4, 1, 3) }, x, { eps: 0 })
    expect(M.approxEquals(1e-15)(shifted, M.map((v) => 2 * v + 3)(y))).toBe(true)
    expect(() => Ad.layerNorm({ gamma: M.fill(3, 1, 1), beta: M.fill(4, 1, 0) }, x)).toThrow(/Ad\.layerNorm: gamma must be 4×1 for x 4×3, got 3×1/)
    expect(() => Ad.layerNorm({ gamma: M.fill(4, 1, 1), beta: M.fill(4, 1, 0) }, x, { eps: -1 })).toThrow(/eps must be a finite number ≥ 0/)
  })
})

describe('dropout', () => {
  it('keeps each entry with probability 1 − rate, scaled by 1/(1 − rate); the same key gives the same mask', () => {
    const x = M.fill(200, 50, 1)
    const y = Ad.dropout(key(7), x, 0.3)
    const kept = Array.from(y.data).filter((v) => v !== 0)
    expect(kept.every((v) => v === 1 / 0.7)).toBe(true)
    expect(Math.abs(kept.length / 10_000 - 0.7)).toBeLessThan(0.02)
    expect(M.equals(y, Ad.dropout(key(7), x, 0.3))).toBe(true)
    expect(M.equals(y, Ad.dropout(key(8), x, 0.3))).toBe(false)
  })
  it('is the identity at rate 0 and zeros at rate 1; its gradient is the same mask', () => {
    const x = m(1, 5, 4)
    expect(Ad.dropout(key(1), x, 0)).toBe(x)
    expect(Array.from(Ad.dropout(key(1), x, 1).data).every((v) => v === 0)).toBe(true)
    expectGradient((p: { x: Matrix }) => weighed(Ad.dropout(key(3), p.x, 0.5)), { x })
    const { grads } = Ad.valueAndGrad((p: { x: Matrix }) => Ad.sum(Ad.dropout(key(3), p.x, 0.5)))({ x })
    expect(M.equals(grads.x, Ad.dropout(key(3), M.fill(5, 4, 1), 0.5))).toBe(true)
  })
  it('refuses a rate outside [0, 1] and a malformed key', () => {
    expect(() => Ad.dropout(key(1), m(1, 2, 2), 1.5)).toThrow(/Ad\.dropout: rate must be in \[0, 1\], got 1\.5/)
    expect(() => Ad.dropout(key(1), m(1, 2, 2), NaN)).toThrow(/rate must be in/)
    expect(() => Ad.dropout({ k0: -1, k1: 0 }, m(1, 2, 2), 0.5)).toThrow(/Ad\.dropout: the key: k0/)
  })
})
