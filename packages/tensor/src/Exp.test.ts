import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { exp } from './Exp.js'

// V8's Math.exp runs the same fdlibm algorithm, so on Node the two must agree on every double, bit for bit.
const agrees = (x: number): boolean => Object.is(exp(x), Math.exp(x))

describe('exp', () => {
  it('is Math.exp bit for bit at the edges of every branch', () => {
    const ln2 = Math.LN2
    const edges = [0, -0, 1, -1, 5e-324, -5e-324, 2 ** -28, -(2 ** -28), 2 ** -29, Infinity, -Infinity, NaN,
      0.5 * ln2, -0.5 * ln2, 1.5 * ln2, -1.5 * ln2, 0.34657359027997264, 0.3465735902799727, 1.0397207708399179,
      709.78, 709.782712893384, 709.7827128933841, 709.79, 708.4, -708.39, -708.4, -1021 * ln2, -1022 * ln2,
      -745.13, -745.1332191019411, -745.1332191019412, -745.14, -1e308, 1e308]
    expect(edges.filter((x) => !agrees(x))).toEqual([])
  })
  it('is Math.exp bit for bit on any double', () => {
    fc.assert(fc.property(fc.double(), agrees), { numRuns: 20_000 })
  })
  it('is Math.exp bit for bit where it is finite and not 0 or 1, and near 0', () => {
    fc.assert(fc.property(fc.double({ min: -746, max: 710 }), agrees), { numRuns: 50_000 })
    fc.assert(fc.property(fc.double({ min: -2, max: 2 }), agrees), { numRuns: 50_000 })
  })
})
