import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sameBits } from '../testing/products.js'
import { keepWherePositive, timesDerivative } from './Epilogue.js'

/** Doubles of every kind, the ones a mask could get wrong included: ±0, ±∞, NaNs of both signs, subnormals. */
const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, Infinity, -Infinity, NaN, -NaN, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MIN_VALUE),
  fc.double({ min: -1, max: 1 })
)
const reference = (test: ArrayLike<number>, src: ArrayLike<number>) => Float64Array.from(src, (v, q) => (test[q]! > 0 ? v : 0))

describe('keepWherePositive (relu and its derivative)', () => {
  it('gives the bits of test > 0 ? src : +0, on both sides of the masked path, at any offset, in place too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 3 }), fc.array(anyDouble, { minLength: 64, maxLength: 64 }), fc.nat(), (n, offset, pool, seed) => {
        // n values drawn from the pool (so specials recur), in arrays that start `offset` entries into their buffer
        const pick = (k: number) => pool[(seed + k * 7919) % pool.length]!
        const at = (values: Float64Array) => {
          const buffer = new Float64Array(n + offset)
          buffer.set(values, offset)
          return buffer.subarray(offset)
        }
        const test = at(Float64Array.from({ length: n }, (_, k) => pick(k))), src = at(Float64Array.from({ length: n }, (_, k) => pick(k + 13)))
        const out = new Float64Array(n)
        keepWherePositive(test, src, out, n)
        expect(sameBits(out, reference(test, src))).toBe(true)
        const inPlace = Float64Array.from(test) // relu's forward: test = src = out
        keepWherePositive(inPlace, inPlace, inPlace, n)
        expect(sameBits(inPlace, reference(test, test))).toBe(true)
        const g = Float64Array.from(src) // relu's derivative: out = g
        timesDerivative.relu(g, test, g, n)
        expect(sameBits(g, reference(test, src))).toBe(true)
      }),
      { numRuns: 300 }
    )
  })
  it('reads an ArrayLike src that is not a Float64Array entry by entry', () => {
    const src = Array.from({ length: 600 }, (_, k) => (k % 3) - 1)
    const out = new Float64Array(600)
    keepWherePositive(src, src, out, 600)
    expect(sameBits(out, reference(src, src))).toBe(true)
  })
})
