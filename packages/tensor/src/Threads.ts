/**
 * How many threads the large matrix products use. Results never depend on it: a product is split between threads by
 * whole output tiles, each summed in the same order as on one thread, so 1, 2 or 8 threads give the same bits (and so
 * does the plain-JS path where WebAssembly is missing).
 *
 * Threads run where shared memory and blocking waits are available: Node (worker_threads) and Web Workers in a
 * cross-origin-isolated page. Elsewhere (a page's main thread, a page without COOP/COEP headers) `count()` stays 1.
 * Workers start on the first product big enough to share out and never keep a Node process from exiting.
 *
 * ```ts
 * import { Threads } from '@puregrad/tensor'
 *
 * Threads.setCount(1) // everything on the calling thread, e.g. beside other busy work
 * ```
 *
 * @since 0.2.0
 */

import { cores, pool } from './internal/Pool.js'

/** The default is the machine's core count, capped here: past it, a training step's products are too small to share. */
export const DEFAULT_MAX = 8

/** The most threads `setCount` accepts. */
export const MAX = 64

let requested: number | undefined

/** The threads asked for: `setCount`'s value, else the machine's cores up to DEFAULT_MAX. */
export const requestedCount = (): number => requested ?? Math.min(cores(), DEFAULT_MAX)

/** True where products can run on more than one thread here. */
export const available = (): boolean => pool() !== undefined

/** The threads large products run on now: the requested count where threads are available, else 1. */
export const count = (): number => (available() ? requestedCount() : 1)

/**
 * Sets how many threads large products use (this one included), from 1 to {@link MAX}; throws a RangeError otherwise.
 * Where threads are unavailable the setting is kept but products run on one thread.
 */
export const setCount = (threads: number): void => {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX) {
    // Untyped callers may pass anything: a string is quoted, so '2' does not read as the number 2.
    const got = typeof threads === 'string' ? JSON.stringify(threads) : String(threads)
    throw new RangeError(`Threads.setCount: expected an integer from 1 to ${MAX}, got ${got}`)
  }
  requested = threads
}

/** Runs `f` with `threads` in force and restores the previous setting afterwards, even when `f` throws. */
export const withCount = <A>(threads: number, f: () => A): A => {
  const previous = requested
  setCount(threads)
  try {
    return f()
  } finally {
    requested = previous
  }
}
