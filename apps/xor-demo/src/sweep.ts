/** --sweep: the same recipe from many seeds, to show how often a small XOR net converges or gets stuck. */
import * as E from 'fp-ts/lib/Either.js'
import type { Options } from './cli.js'
import type { Verdict } from './run.js'
import { initialParams, specOf, trainFrom } from './run.js'

/** One seed's run: its final loss (null when it diverged) and verdict. */
export interface SeedRun {
  readonly seed: number
  readonly loss: number | null
  readonly verdict: Verdict | 'diverged'
}

export interface SweepReport {
  readonly firstSeed: number
  readonly runs: number
  readonly counts: Readonly<Record<Verdict | 'diverged', number>>
  /** converged / runs. */
  readonly share: number
  /** Final losses of the runs that did not diverge, ascending. */
  readonly losses: ReadonlyArray<number>
  /** Every run in seed order, so the stuck seeds can be named. */
  readonly seeds: ReadonlyArray<SeedRun>
}

/** Trains seeds seed … seed + n − 1 (no restarts); `onRun` gets the number of runs done and the last loss. */
export const sweep = (options: Options, n: number, onRun: (done: number, loss: number) => void): SweepReport => {
  const spec = specOf(options)
  const counts = { converged: 0, stuck: 0, unfinished: 0, diverged: 0 }
  const seeds: Array<SeedRun> = []
  for (let i = 0; i < n; i++) {
    const seed = options.seed + i
    const result = trainFrom(spec, initialParams(spec, { ...options, seed }, 0), options, () => undefined)
    const run: SeedRun = E.isLeft(result) ? { seed, loss: null, verdict: 'diverged' } : { seed, loss: result.right.loss, verdict: result.right.verdict }
    counts[run.verdict]++
    seeds.push(run)
    onRun(i + 1, run.loss ?? NaN)
  }
  const losses = seeds.flatMap((r) => (r.loss === null ? [] : [r.loss])).sort((a, b) => a - b)
  return { firstSeed: options.seed, runs: n, counts, share: counts.converged / n, losses, seeds }
}

/** The q-quantile of ascending values (nearest rank). */
export const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
