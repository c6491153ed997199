/**
 * Gradient checking: compares analytic gradients with central finite differences,
 * ∂f/∂θᵢ ≈ (f(θ + ε·eᵢ) − f(θ − ε·eᵢ)) / 2ε (error O(ε²) plus rounding O(u·|f|/ε)),
 * entry by entry and along one random direction v from a seeded key (⟨∇f, v⟩ against the same difference along v).
 *
 * Entries are scored by e = |analytic − numeric| / max(1, |analytic|, |numeric|): an absolute error for small
 * gradients, a relative one for large ones. The check passes when every score is at most `tolerance`.
 *
 * @since 0.1.0
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { axpy, inner, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { key as makeKey, normal, split } from '@puregrad/tensor/Random'
import * as T from '@puregrad/tensor/Tree'
import type { Tree, TreeOf } from '@puregrad/tensor/Tree'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface GradCheckOptions {
  /** Step of the central difference; default 1e-6 (balances truncation ε² against rounding u/ε). */
  readonly epsilon?: number
  /** Largest accepted score; default 1e-6. */
  readonly tolerance?: number
  /** Key of the random direction; default key(0). */
  readonly key?: Key
}

/** One compared entry: where it is, both values and its errors. */
export interface EntryComparison {
  /** Tree path of the leaf, e.g. `[1].W`, and the entry's row and column in it. */
  readonly path: string
  readonly row: number
  readonly col: number
  readonly analytic: number
  readonly numeric: number
  readonly absError: number
  /** |analytic − numeric| / max(|analytic|, |numeric|), 0 when both are 0. */
  readonly relError: number
}

export interface GradCheckResult {
  readonly passed: boolean
  readonly tolerance: number
  readonly entries: number
  readonly maxAbsError: number
  readonly maxRelError: number
  /** The entry with the largest score: where to look first when the check fails. */
  readonly worst: EntryComparison
  /** ⟨∇f, v⟩ against (f(θ + εv) − f(θ − εv)) / 2ε for a random normal direction v. */
  readonly directional: { readonly analytic: number; readonly numeric: number; readonly absError: number; readonly relError: number }
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const compare = (path: string, row: number, col: number, analytic: number, numeric: number): EntryComparison => {
  const absError = Math.abs(analytic - numeric)
  const scale = Math.max(Math.abs(analytic), Math.abs(numeric))
  return { path, row, col, analytic, numeric, absError, relError: scale === 0 ? absError : absError / scale }
}

const score = (c: Pick<EntryComparison, 'absError' | 'analytic' | 'numeric'>): number =>
  c.absError / Math.max(1, Math.abs(c.analytic), Math.abs(c.numeric))

const withEntry = (m: Matrix, index: number, value: number): Matrix => {
  const data = Float64Array.from(m.data)
  data[index] = value
  return unsafeWrap(m.rows, m.cols, data)
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Checks `grads` (a tree shaped like `params`) against central differences of the scalar function `f` at `params`.
 * To check an input gradient too, put the input in the tree: `gradCheck(({ p, x }) => …)({ p, x }, { p: dp, x: dx })`.
 */
export function gradCheck<P extends Tree>(f: (params: P) => number, options?: GradCheckOptions): (params: P, grads: P) => GradCheckResult
export function gradCheck<P>(f: (params: P) => number, options?: GradCheckOptions): (params: P & TreeOf<P>, grads: P & TreeOf<P>) => GradCheckResult
export function gradCheck<P>(f: (params: P) => number, options: GradCheckOptions = {}) {
  return (checked: P & TreeOf<P>, checkedGrads: P & TreeOf<P>): GradCheckResult => {
    // Walked as Trees (P may be an interface, which has no index signature); f sees its own type again.
    const params = checked as unknown as Tree
    const grads = checkedGrads as unknown as Tree
    const value = (p: Tree): number => f(p as unknown as P)
    const { epsilon = 1e-6, tolerance = 1e-6, key = makeKey(0) } = options
    // Walk both trees once (zipWith also checks they have one structure), keeping each leaf's path.
    const pairs: Array<{ readonly path: string; readonly theta: Matrix; readonly g: Matrix }> = []
    T.zipWithPath(grads, (theta, g, path) => (pairs.push({ path, theta, g }), theta))(params)

    let worst: EntryComparison | undefined
    let maxAbsError = 0
    let maxRelError = 0
    let entries = 0
    for (const { path, theta, g } of pairs) {
      for (let index = 0; index < g.data.length; index++) {
        const at = (entry: number): number => value(T.mapWithPath((m, p) => (p === path ? withEntry(m, index, entry) : m))(params))
        const numeric = (at(theta.data[index] + epsilon) - at(theta.data[index] - epsilon)) / (2 * epsilon)
        const c = compare(path, Math.floor(index / g.cols), index % g.cols, g.data[index], numeric)
        entries++
        maxAbsError = Math.max(maxAbsError, c.absError)
        maxRelError = Math.max(maxRelError, c.relError)
        if (worst === undefined || !(score(c) <= score(worst))) worst = c
      }
    }
    if (worst === undefined) throw new RangeError('gradCheck: the parameter tree has no entries')

    const keys = split(key, pairs.length)
    let leafIndex = 0
    const direction = T.map((m) => normal(keys[leafIndex++]!, m.rows, m.cols))(params)
    const along = (s: number): Tree => T.zipWith(direction, (m, v) => axpy(s, v)(m))(params)
    const numeric = (value(along(epsilon)) - value(along(-epsilon))) / (2 * epsilon)
    const vs = T.leaves(direction)
    const analytic = pairs.reduce((acc, { g }, i) => acc + inner(g, vs[i]!), 0)
    const d = compare('direction', 0, 0, analytic, numeric)
    const directional = { analytic, numeric, absError: d.absError, relError: d.relError }

    return {
      passed: score(worst) <= tolerance && score(d) <= tolerance,
      tolerance,
      entries,
      maxAbsError,
      maxRelError,
      worst,
      directional
    }
  }
}
