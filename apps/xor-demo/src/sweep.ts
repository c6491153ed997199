/** --sweep: the same recipe from many seeds, to show how often a small XOR net converges or gets stuck. */
import * as E from 'fp-ts/lib/Either.js'
import type { Options } from './cli.js'
import type { Verdict } from './run.js'
import { initialParams, specOf, trainFrom } from './run.js'

export interface SweepReport {
  readonly firstSeed: number
  readonly runs: number
  readonly counts: Readonly<Record<Verdict | 'diverged', number>>
  /** converged / runs. */
  readonly share: number
  /** Final losses of the runs that did not diverge, ascending. */
  readonly losses: ReadonlyArray<number>
}

/** Trains seeds seed … seed + n − 1 (no restarts); `onRun` gets the number of runs done and the last loss. */
export const sweep = (options: Options, n: number, onRun: (done: number, loss: number) => void): SweepReport => {
  const spec = specOf(options)
  const counts = { converged: 0, stuck: 0, unfinished: 0, diverged: 0 }
  const losses: Array<number> = []
  for (let i = 0; i < n; i++) {
    const seedOptions = { ...options, seed: options.seed + i }
    const result = trainFrom(spec, initialParams(spec, seedOptions, 0), options, () => undefined)
    if (E.isLeft(result)) counts.diverged++
    else {
      counts[result.right.verdict]++
      losses.push(result.right.loss)
    }
    onRun(i + 1, E.isRight(result) ? result.right.loss : NaN)
  }
  return { firstSeed: options.seed, runs: n, counts, share: counts.converged / n, losses: losses.sort((a, b) => a - b) }
}

/** The q-quantile of ascending values (nearest rank). */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
