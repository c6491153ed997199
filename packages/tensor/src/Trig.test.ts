import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosKernel, cosPi, sinKernel, sinPi } from './Trig.js'

/** Distance in units in the last place, through the bits (both finite, same sign). */
const ulps = (a: number, b: number): number => {
  const view = new DataView(new ArrayBuffer(16))
  view.setFloat64(0, a)
  view.setFloat64(8, b)
  return Number(view.getBigInt64(0) - view.getBigInt64(8)) * (a < 0 ? -1 : 1)
}

/**
 * How far Math.sin(π·r) and Math.cos(π·r) may be from the truth for |r| < 2: π·r is rounded, off by up to
 * |π·r|·2^−53 ≈ 7e−16 absolutely, and the result by another half ulp.
 */
const NEAR = 9e-16

describe('Trig: sin(π·x) and cos(π·x) from IEEE arithmetic', () => {
  fcTest.prop([fc.double({ min: 0, max: Math.PI / 4, noNaN: true })], { numRuns: 20_000 })(
    'the kernels are fdlibm\'s: V8\'s Math.sin and Math.cos bit for bit on [0, π/4]',
    (x) => {
      expect(Object.is(sinKernel(x), Math.sin(x))).toBe(true)
      expect(Object.is(cosKernel(x), Math.cos(x))).toBe(true)
    }
  )
  it('the kernels agree with Math at the thresholds where fdlibm switches formula', () => {
    for (const x of [7.450580596923828e-9, 7.450580596923829e-9, 0.29999995231628415, 0.29999995231628418, 0.3, 0.78125, 0.7812500000000001, 0.78125047683715820313, Math.PI / 4]) {
      expect([x, sinKernel(x)]).toEqual([x, Math.sin(x)])
      expect([x, cosKernel(x)]).toEqual([x, Math.cos(x)])
    }
  })
  fcTest.prop([fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 20_000 })(
    'cos(π·t) is Math.cos(π·t) to within the rounding of π·t (absolutely), and sin(π(½ − t)) to 2 ulps between ¼ and ¾',
    (t) => {
      // Math.cos(Math.PI * t) carries π·t's rounding, up to 2.2e−16 absolutely, so near the zero at ½ it is the less
      // accurate of the two: there the reference is sin(π(½ − t)), whose argument is exact before the product.
      expect(Math.abs(cosPi(t) - Math.cos(Math.PI * t))).toBeLessThanOrEqual(4.5e-16)
      if (t > 0.25 && t < 0.75 && t !== 0.5) expect(Math.abs(ulps(cosPi(t), Math.sin(Math.PI * (0.5 - t))))).toBeLessThanOrEqual(2)
    }
  )
  it('cos(π·t) is exact at the quarters', () => {
    expect([0, 0.25, 0.75, 1].map(cosPi)).toEqual([1, Math.SQRT1_2, -Math.SQRT1_2, -1])
    expect(cosPi(0.5)).toBe(0)
  })
  fcTest.prop([fc.double({ min: -1e6, max: 1e6, noNaN: true })], { numRuns: 20_000 })(
    'sinPi and cosPi are Math.sin(π·x) and Math.cos(π·x) to within the rounding of π·x, after reducing x exactly',
    (x) => {
      // Math's own argument π·x carries an absolute error up to |π·x|·2^−53; reduce x first so the reference does not.
      const r = x % 2
      expect(Math.abs(sinPi(x) - Math.sin(Math.PI * r))).toBeLessThanOrEqual(NEAR)
      expect(Math.abs(cosPi(x) - Math.cos(Math.PI * r))).toBeLessThanOrEqual(NEAR)
      expect(Math.abs(sinPi(x) ** 2 + cosPi(x) ** 2 - 1)).toBeLessThanOrEqual(1.2e-15)
    }
  )
  fcTest.prop([fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 20_000 })(
    'symmetries hold exactly: cos is even, sin odd, and a whole turn changes neither where it is exact',
    (x) => {
      expect(Object.is(cosPi(-x), cosPi(x))).toBe(true)
      expect(Object.is(sinPi(-x), -sinPi(x))).toBe(true)
      if (Math.abs(x) < 2 ** 50 && Number.isInteger(x * 4)) {
        expect(Object.is(cosPi(x + 2), cosPi(x))).toBe(true)
        expect(Object.is(sinPi(x + 2), sinPi(x)) || (sinPi(x) === 0 && sinPi(x + 2) === 0)).toBe(true)
      }
    }
  )
  it('is exact at the quarter turns, and at every integer however large', () => {
    expect([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2].map(cosPi)).toEqual([1, Math.SQRT1_2, 0, -Math.SQRT1_2, -1, -Math.SQRT1_2, 0, Math.SQRT1_2, 1])
    expect([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2].map(sinPi)).toEqual([0, Math.SQRT1_2, 1, Math.SQRT1_2, 0, -Math.SQRT1_2, -1, -Math.SQRT1_2, 0])
    expect([2 ** 60, 2 ** 53 + 2, 1e300, 3, -7].map(cosPi)).toEqual([1, 1, 1, -1, -1])
    expect([2 ** 60, 1e300, 3, -7].map(sinPi).every((v) => v === 0)).toBe(true)
    expect(Object.is(sinPi(-0), -0)).toBe(true)
    expect(Object.is(sinPi(0), 0)).toBe(true)
  })
  it('NaN and ±∞ give NaN', () => {
    for (const x of [NaN, Infinity, -Infinity]) {
      expect(sinPi(x)).toBeNaN()
      expect(cosPi(x)).toBeNaN()
    }
  })
})
