/**
 * TensorFlow.js runs in a child process of its own, so that what it does to the process's memory is not billed to
 * puregrad. Measured with page-fault counts per sample: interleaved in one process, tfjs-cpu's allocations (about 100
 * page faults per mid-size step of its own) left the C allocator handing puregrad fresh pages, up to 25 faults per
 * mid-size step at about 13 µs each on this virtual machine (557 instead of 684 steps/s in one sample, 0 faults
 * in the next); with tfjs-wasm in the same process, the 512×512 product fell from 5.3× to 3.7× its JS kernel.
 * puregrad, its JS path and the hand-written baselines still share one process and are interleaved, as the targets
 * compare them; tfjs, and numpy in its python3 child (src/numpy.ts), are measured in rounds between them (ours, tfjs,
 * numpy, ours, tfjs, numpy, …), with the same warm-up and samples, from the same seeded data, so that a change of the
 * machine's speed during a run reaches every side: with tfjs measured once after all of ours, two narrowed runs a
 * minute apart gave the CNN 1.15× and 1.42× tfjs-wasm.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { MlpWorkload } from './workloads/mlp.js'
import type { Contender, MeasureOptions, Timing } from './timing.js'
import { useDefaults } from './threads.js'
import { measure, median, withDefaults } from './timing.js'

/** The contenders that run in the child. */
export const tfjsContenders: ReadonlyArray<string> = ['tfjs-cpu', 'tfjs-wasm']

/** What the child measures: one workload's tfjs contenders (a subset of `tfjsContenders`). */
export interface ChildRequest {
  readonly workload:
    | { readonly kind: 'mlp'; readonly mlp: MlpWorkload }
    | { readonly kind: 'matmul'; readonly n: number }
    | { readonly kind: 'cnn' }
    | { readonly kind: 'conv' }
  readonly contenders: ReadonlyArray<string>
  readonly options: MeasureOptions
}

/** Runs the request in a fresh `node --expose-gc` (src/tfjsChild.ts) and returns its timings. */
export const measureInChild = (request: ChildRequest): ReadonlyArray<Timing> => {
  if (request.contenders.length === 0) return []
  const child = fileURLToPath(new URL('./tfjsChild.js', import.meta.url))
  const run = spawnSync(process.execPath, ['--expose-gc', child, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (run.status !== 0) {
    throw new Error(`bench: the tfjs contenders failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr.trim()}`)
  }
  return JSON.parse(run.stdout) as ReadonlyArray<Timing>
}

/** Rounds of our samples then the children's: each side's samples are split between them (at least one each). */
export const ROUNDS = 3

/**
 * A contender measured by a process of its own (numpy's python3): given one round's options, its timings, or none
 * when it cannot run here.
 */
export type ChildMeasure = (round: MeasureOptions) => ReadonlyArray<Timing>

/**
 * A workload's timings: `contenders` measured here (interleaved), then in turn its tfjs contenders in their child and
 * each of `children`, in ROUNDS rounds whose samples are pooled (the median over all of a contender's samples), each
 * contender kept when `only` is undefined or names it (a child is asked for only where it is wanted). So a change of
 * the machine's speed during the run reaches every side. The engine is back to its defaults afterwards (threads
 * included).
 */
export const measureWorkload = async (
  contenders: ReadonlyArray<Contender>,
  workload: ChildRequest['workload'],
  only: ReadonlySet<string> | undefined,
  options: MeasureOptions,
  children: ReadonlyArray<ChildMeasure> = []
): Promise<ReadonlyArray<Timing>> => {
  const wanted = (name: string) => only === undefined || only.has(name)
  const ours = contenders.filter((c) => wanted(c.name))
  const theirs = tfjsContenders.filter(wanted)
  const others: Array<ChildMeasure> = [...children]
  if (theirs.length > 0) others.unshift((round) => measureInChild({ workload, contenders: theirs, options: round }))
  if (others.length === 0) {
    const timings = await measure(ours, options)
    useDefaults()
    return timings
  }
  const repetitions = Math.max(1, Math.ceil(withDefaults(options).repetitions / ROUNDS))
  const round = { ...options, repetitions }
  const rounds: Array<ReadonlyArray<Timing>> = []
  for (let r = 0; r < ROUNDS; r++) {
    if (ours.length > 0) rounds.push(await measure(ours, round))
    useDefaults()
    for (const other of others) rounds.push(other(round))
  }
  return pooled(rounds)
}

/** Each contender's samples from every round, in the order taken, and their median. */
const pooled = (rounds: ReadonlyArray<ReadonlyArray<Timing>>): ReadonlyArray<Timing> => {
  const samples = new Map<string, Array<number>>()
  for (const timings of rounds) for (const t of timings) samples.set(t.name, [...(samples.get(t.name) ?? []), ...t.samples])
  return [...samples].map(([name, all]) => ({ name, seconds: median(all), samples: all }))
}
