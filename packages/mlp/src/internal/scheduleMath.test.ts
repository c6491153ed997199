import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosKernel, cosPi, powerOf, realPower, sinKernel } from './scheduleMath.js'

/** Distance in units in the last place, through the bits (both finite, same sign). */
const ulps = (a: number, b: number): number => {
  const view = new DataView(new ArrayBuffer(16))
  view.setFloat64(0, a)
  view.setFloat64(8, b)
  return Number(view.getBigInt64(0) - view.getBigInt64(8)) * (a < 0 ? -1 : 1)
}

describe('engine-independent powers and cosine', () => {
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
  fcTest.prop([fc.double({ min: 0.01, max: 100, noNaN: true }), fc.integer({ min: 0, max: 60 })])('bⁿ by squaring is within n ulps of Math.pow', (b, n) => {
    const ours = powerOf(b, n), theirs = Math.pow(b, n)
    if (theirs === 0 || !Number.isFinite(theirs)) expect(ours).toBe(theirs)
    else expect(Math.abs(ulps(ours, theirs))).toBeLessThanOrEqual(n + 1)
  })
  fcTest.prop([fc.double({ min: 0.05, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true })])('bᵖ within 1e-13 of Math.pow, relatively', (b, p) => {
    const ours = realPower(b, p), theirs = Math.pow(b, p)
    if (theirs < 1e-300) expect(ours).toBeLessThan(1e-290)
    else expect(Math.abs(ours / theirs - 1)).toBeLessThan(1e-13)
  })
  it('exact powers stay exact', () => {
    expect(realPower(0.5, 2)).toBe(0.25)
    expect(realPower(0.5, 10)).toBe(1 / 1024)
    expect(realPower(0.9, 0)).toBe(1)
    expect(realPower(4, 0.5)).toBe(2)
    expect(realPower(2, -3)).toBe(0.125)
  })
})
