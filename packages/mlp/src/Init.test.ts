import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import * as I from './Init.js'
import { notebookXor, uniform } from './Spec.js'

const entries = (ms: ReadonlyArray<M.Matrix>): Array<number> => ms.flatMap((m) => Array.from(m.data))

describe('initialisation', () => {
  it.each(I.names)('%s: the same key gives bit-identical parameters of the right shapes; another key differs', (name) => {
    const spec = uniform([3, 5, 2], 'tanh', 'squaredError', 'sum')
    const a = I.init(I.byName[name])(key(9), spec)
    const b = I.init(I.byName[name])(key(9), spec)
    const c = I.init(I.byName[name])(key(10), spec)
    expect(a.map((p) => [M.shapeOf(p.W), M.shapeOf(p.b)])).toEqual([['5×3', '5×1'], ['2×5', '2×1']])
    expect(a.every((p, l) => M.equals(p.W, b[l]!.W) && M.equals(p.b, b[l]!.b))).toBe(true)
    expect(a.every((p, l) => M.equals(p.W, c[l]!.W))).toBe(false)
  })
  it('standardNormal draws W and b from N(0, 1)', () => {
    const ps = I.init(I.standardNormal)(key(1), uniform([200, 300], 'sigmoid', 'binaryCrossEntropy', 'sum'))
    const w = entries([ps[0]!.W])
    const mean = w.reduce((s, v) => s + v, 0) / w.length
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(variance - 1)).toBeLessThan(0.03)
    expect(M.allFinite(ps[0]!.b) && M.sum(M.map(Math.abs)(ps[0]!.b)) > 0).toBe(true)
  })
  it('glorotUniform stays within ±√(6/(in + out)) with b = 0; heNormal has variance 2/in with b = 0', () => {
    const spec = uniform([400, 200], 'relu', 'squaredError', 'sum')
    const g = I.init(I.glorotUniform)(key(2), spec)[0]!
    const r = Math.sqrt(6 / 600)
    expect(entries([g.W]).every((v) => Math.abs(v) <= r)).toBe(true)
    expect(Math.max(...entries([g.W]))).toBeGreaterThan(0.95 * r)
    expect(M.equals(g.b, M.zeros(200, 1))).toBe(true)
    const h = I.init(I.heNormal)(key(3), spec)[0]!
    const w = entries([h.W])
    expect(Math.abs(w.reduce((s, v) => s + v * v, 0) / w.length - 2 / 400)).toBeLessThan(0.0002)
    expect(M.equals(h.b, M.zeros(200, 1))).toBe(true)
  })
  it('the notebook net from key(1) has 9 parameters', () => {
    expect(entries(I.init(I.standardNormal)(key(1), notebookXor).flatMap((p) => [p.W, p.b])).length).toBe(9)
  })
})
