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
  it('a value that is not a tree is a NotATreeError naming its path, from every function', () => {
    const bad = [{ W: params[0].W, b: 3 }] as unknown as T.Tree
    for (const f of [T.map((m) => m), T.mapWithPath((m) => m), T.leaves, T.zipWith(bad, (a) => a), T.zipWith3(bad, bad, (a) => a)]) {
      expect(() => f(bad as never)).toThrow(new T.NotATreeError('[0].b', 'number', 3))
    }
    expect(() => T.map((m) => m)(null as never)).toThrow('Tree: at the root: expected a matrix (or a record or array of them), got null')
    expect(() => T.leaves({ a: new Map() } as never)).toThrow('Tree: at a: expected a matrix (or a record or array of them), got an object that is not a plain record')
    expect(T.pathUnder('params', '[0].b')).toBe('params[0].b')
    expect(T.pathUnder('params', 'a.b')).toBe('params.a.b')
    expect(T.pathUnder('params', '')).toBe('params')
  })
  it('a leaf\'s entries are never read (a leaf whose data throws, as grad\'s traced values do, passes through)', () => {
    const sealed = { rows: 2, cols: 1, get data(): never { throw new Error('read') } } as unknown as M.Matrix
    const tree = { a: [sealed], b: params[0].b }
    expect(T.leaves(tree)).toEqual([sealed, params[0].b])
    expect(T.map((m) => m)(tree).a[0]).toBe(sealed)
    expect(T.zipWith(tree, (x) => x)(tree).a[0]).toBe(sealed)
  })
  it('the third tree of zipWith3 is checked like the second, and inherited keys are not a record\'s own', () => {
    const renamed = [{ V: params[0].W, b: params[0].b }, params[1]] as unknown as typeof params
    expect(() => pipe(params, T.zipWith3(params, renamed, (a) => a))).toThrow('Tree: at [0].W: missing in one tree')
    const withToString: T.Tree = { toString: params[0].b }
    expect(() => T.zipWith<T.Tree>({ other: params[0].b }, (a) => a)(withToString)).toThrow('Tree: at toString: missing in one tree')
    expect(() => T.zipWith<T.Tree>(params[0].b, (a) => a)(params[0])).toThrow('Tree: at the root: a record faces a matrix')
  })
  it('a record from Object.create(null) is a record', () => {
    const bare = Object.assign(Object.create(null) as Record<string, M.Matrix>, { W: params[0].W })
    expect(T.leaves(bare)).toEqual([params[0].W])
  })
  it('a tree that contains itself, or nests past 1,000 levels, is a ShapeError, not a stack overflow', () => {
    const cyclic: Record<string, unknown> = { W: params[0].W }
    cyclic['self'] = cyclic
    expect(() => T.leaves(cyclic as T.Tree)).toThrow(/^Tree: at self(\.self)+: nested more than 1000 deep \(does the tree contain itself\?\)$/)
    let deep: unknown = params[0].W
    for (let i = 0; i < 1002; i++) deep = [deep] // arrays at depths 0 to 1001
    expect(() => T.map((m) => m)(deep as T.Tree)).toThrow(M.ShapeError)
    let fine: unknown = params[0].W
    for (let i = 0; i < 1001; i++) fine = [fine] // the deepest array at depth 1000
    expect(T.leaves(fine as T.Tree)).toEqual([params[0].W])
  })
})
