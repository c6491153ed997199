import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { powerOf, realPower } from './scheduleMath.js'

/** Distance in units in the last place, through the bits (both finite, same sign). */
const ulps = (a: number, b: number): number => {
  const view = new DataView(new ArrayBuffer(16))
  view.setFloat64(0, a)
  view.setFloat64(8, b)
  return Number(view.getBigInt64(0) - view.getBigInt64(8)) * (a < 0 ? -1 : 1)
}

describe('engine-independent powers', () => {
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
