/**
 * Timing for whole workloads: warm-up, several interleaved repetitions, medians.
 * Contenders of one workload run round-robin, so machine drift (shared, noisy hosts) hits each alike.
 */
import { performance } from 'node:perf_hooks'

export interface Contender {
  readonly name: string
  /** Runs the workload once; returns a value so the optimiser cannot drop the work. */
  readonly run: () => unknown
  /** Called before each of this contender's timed batches, untimed (e.g. selecting a tfjs backend). */
  readonly prepare?: () => Promise<void>
}

export interface Timing {
  readonly name: string
  /** Median seconds per call of `run`. */
  readonly seconds: number
  /** Every sample (seconds per call), in the order taken. */
  readonly samples: ReadonlyArray<number>
}

export interface MeasureOptions {
  readonly repetitions?: number
  /** Each sample calls `run` until at least this long has passed. */
  readonly minSeconds?: number
  readonly warmupSeconds?: number
}

let sink: unknown

/**
 * Collects garbage before a timed batch when node runs with --expose-gc (the bench script does), so one
 * contender's garbage is not collected on another's clock.
 */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

/**
 * Calls `run` in chunks of `chunk` calls until at least `minSeconds` passed; returns seconds per call.
 * Reading the clock once per chunk keeps its cost (tens of nanoseconds) out of sub-microsecond workloads.
 */
const timeBatch = (run: () => unknown, minSeconds: number, chunk: number): number => {
  let calls = 0
  const start = performance.now()
  let elapsed = 0
  do {
    for (let i = 0; i < chunk; i++) sink = run()
    calls += chunk
    elapsed = (performance.now() - start) / 1000
  } while (elapsed < minSeconds)
  return elapsed / calls
}

/** The number of calls that take about a millisecond (at least 1), found by doubling. */
const calibrate = (run: () => unknown): number => {
  let chunk = 1
  for (;;) {
    const start = performance.now()
    for (let i = 0; i < chunk; i++) sink = run()
    if (performance.now() - start >= 1 || chunk >= 1 << 24) return chunk
    chunk *= 2
  }
}

export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** The options with every default filled in (7 samples of at least 0.2 s after 0.3 s of warm-up). */
export const withDefaults = ({ repetitions = 7, minSeconds = 0.2, warmupSeconds = 0.3 }: MeasureOptions): Required<MeasureOptions> => ({
  repetitions,
  minSeconds,
  warmupSeconds
})

/** Warms every contender, then takes `repetitions` interleaved samples of each; returns their medians. */
export const measure = async (contenders: ReadonlyArray<Contender>, options: MeasureOptions = {}): Promise<ReadonlyArray<Timing>> => {
  const { repetitions, minSeconds, warmupSeconds } = withDefaults(options)
  const chunks: Array<number> = []
  for (const c of contenders) {
    await c.prepare?.()
    collect()
    timeBatch(c.run, warmupSeconds, 1)
    chunks.push(calibrate(c.run))
  }
  const samples = contenders.map(() => [] as Array<number>)
  for (let r = 0; r < repetitions; r++) {
    for (const [i, c] of contenders.entries()) {
      await c.prepare?.()
      collect()
      samples[i]!.push(timeBatch(c.run, minSeconds, chunks[i]!))
    }
  }
  if (sink === Symbol.for('never')) console.log(sink)
  return contenders.map((c, i) => ({ name: c.name, seconds: median(samples[i]!), samples: samples[i]! }))
}
