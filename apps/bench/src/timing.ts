/**
 * Timing for whole workloads: warm-up, several interleaved repetitions, medians.
 * Contenders of one workload run round-robin, so machine drift (shared, noisy hosts) hits each alike.
 */
import { performance } from 'node:perf_hooks'

export interface Contender {
  readonly name: string
  /** Runs the workload once; returns a value so the optimiser cannot drop the work. */
  readonly run: () => unknown
}

export interface Timing {
  readonly name: string
  /** Median seconds per call of `run`. */
  readonly seconds: number
}

let sink: unknown

/** Calls `run` until at least `minSeconds` passed; returns seconds per call. */
const timeBatch = (run: () => unknown, minSeconds: number): number => {
  let calls = 0
  const start = performance.now()
  let elapsed = 0
  do {
    sink = run()
    calls++
    elapsed = (performance.now() - start) / 1000
  } while (elapsed < minSeconds)
  return elapsed / calls
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Warms every contender, then takes `repetitions` interleaved samples of each; returns their medians. */
export const measure = (
  contenders: ReadonlyArray<Contender>,
  { repetitions = 7, minSeconds = 0.15, warmupSeconds = 0.2 } = {}
): ReadonlyArray<Timing> => {
  for (const c of contenders) timeBatch(c.run, warmupSeconds)
  const samples = contenders.map(() => [] as Array<number>)
  for (let r = 0; r < repetitions; r++) {
    contenders.forEach((c, i) => samples[i]!.push(timeBatch(c.run, minSeconds)))
  }
  if (sink === Symbol.for('never')) console.log(sink)
  return contenders.map((c, i) => ({ name: c.name, seconds: median(samples[i]!) }))
}
