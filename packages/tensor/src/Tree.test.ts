import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import * as M from './Matrix.js'
import * as T from './Tree.js'

const params = [
  { W: M.fill(2, 3, 1), b: M.fill(2, 1, 2) },
  { W: M.fill(1, 2, 3), b: M.fill(1, 1, 4) }
] as const

describe('Tree', () => {
  it('map keeps the structure and reports paths', () => {
    const paths: Array<string> = []
    const doubled = pipe(
      params,
      T.mapWithPath((m, path) => {
        paths.push(path)
        return M.scale(2)(m)
      })
    )
    expect(paths).toEqual(['[0].W', '[0].b', '[1].W', '[1].b'])
    expect(M.toRows(doubled[1].b)).toEqual([[8]])
    expect(M.toRows(params[1].b)).toEqual([[4]]) // input untouched
  })
  it('zipWith and zipWith3 combine leaf by leaf', () => {
    const sum = pipe(params, T.zipWith(params, (a, b) => M.add(b)(a)))
    expect(M.toRows(sum[0].W)).toEqual([[2, 2, 2], [2, 2, 2]])
    const three = pipe(params, T.zipWith3(params, params, (a, b, c) => pipe(a, M.add(b), M.add(c))))
    expect(M.toRows(three[1].W)).toEqual([[9, 9]])
  })
  it('leaves and reduce walk in a fixed order', () => {
    expect(T.leaves(params).map(M.shapeOf)).toEqual(['2×3', '2×1', '1×2', '1×1'])
    expect(pipe(params, T.reduce(0, (acc, m) => acc + M.sum(m)))).toBe(6 + 4 + 6 + 4)
  })
  it('mismatched structures throw ShapeError with the path', () => {
    const swapped = [params[1], params[0]] as unknown as typeof params
    expect(() => pipe(params, T.zipWith(swapped, (a) => a))).toThrow('Tree: at [0].W: shapes differ: 2×3 and 1×2')
    const short = [params[0]] as unknown as typeof params
    expect(() => pipe(params, T.zipWith(short, (a) => a))).toThrow('Tree: at the root: expected an array of 2')
    const renamed = [{ V: params[0].W, b: params[0].b }, params[1]] as unknown as typeof params
    expect(() => pipe(params, T.zipWith(renamed, (a) => a))).toThrow('Tree: at [0].W: missing in one tree')
    const extra = [{ ...params[0], c: params[0].b }, params[1]] as unknown as typeof params
    expect(() => pipe(params, T.zipWith(extra, (a) => a))).toThrow('Tree: at [0]: keys differ')
    const leafForBranch = [params[0].W, params[1]] as unknown as typeof params
    expect(() => pipe(params, T.zipWith(leafForBranch, (a) => a))).toThrow(M.ShapeError)
  })
  it('a record key named "__proto__" (as JSON.parse makes) stays an own key through map, zipWith and the path walks', () => {
    const tree: T.Tree = JSON.parse('{"__proto__": 1, "a": 2}', (_, v) => (typeof v === 'number' ? M.row([v]) : v))
    expect(Object.keys(tree)).toEqual(['__proto__', 'a'])
    const results = [
      T.map(M.scale(2))(tree),
      T.zipWith(tree, (x, y) => M.add(y)(x))(tree),
      T.mapWithPath((m) => M.scale(2)(m))(tree)
    ] as ReadonlyArray<Record<string, M.Matrix>>
    for (const out of results) {
      expect(Object.keys(out)).toEqual(['__proto__', 'a'])
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
      expect(Array.from(Object.getOwnPropertyDescriptor(out, '__proto__')!.value.data)).toEqual([2])
    }
  })
})
