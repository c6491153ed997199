import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { log, log1p } from './Log.js'
import { expm1, tanh } from './Tanh.js'

// On V8 (Node), Math.log, log1p, expm1 and tanh are fdlibm's: these ports must give their bits on every double.
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

/** Doubles of every kind: any bit pattern, small and large magnitudes, near the thresholds the algorithms switch at. */
const anyDouble = fc.oneof(
  fc.double(),
  fc.double({ min: -2, max: 2 }),
  fc.double({ min: -1e-8, max: 1e-8 }),
  fc.double({ min: -60, max: 60 }),
  fc.double({ min: -800, max: 800 }),
  fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, 2 ** -1022, 2 ** -54, 2 ** -29, 2 ** -28, 22, -22, 0.41421356, -0.2928932, Math.SQRT2, Math.SQRT1_2, 709.782712893384, 56 * Math.LN2)
)

describe.each([
  ['log', log, Math.log],
  ['log1p', log1p, Math.log1p],
  ['expm1', expm1, Math.expm1],
  ['tanh', tanh, Math.tanh]
] as const)('%s', (_, ours, v8) => {
  it('gives V8\'s bits on 200,000 doubles of every kind', () => {
    fc.assert(
      fc.property(anyDouble, (x) => same(ours(x), v8(x))),
      { numRuns: 200_000 }
    )
  })
  it('gives V8\'s bits on a sweep through every binade', () => {
    for (let e = -1074; e <= 1023; e += 1) {
      for (const m of [1, 1.1, 1.25, 1.4142135, 1.5, 1.75, 1.999999]) {
        for (const s of [1, -1]) {
          const x = s * m * 2 ** e
          if (!same(ours(x), v8(x))) expect([x, ours(x), v8(x)]).toBe('the same bits')
        }
      }
    }
  })
})
