/**
 * A bounded record of the loss for the sparkline and the report: every step until `capacity` points are held, then
 * every 2nd, 4th, 8th… step (each time it fills, every other point is dropped and the stride doubles). Memory stays
 * at most `capacity` numbers however long the run (10^7 steps used to keep 10^7 entries).
 */
export interface LossHistory {
  /** The loss at steps stride, 2·stride, 3·stride, … (at most capacity of them). */
  readonly losses: ReadonlyArray<number>
  readonly stride: number
}

export const CAPACITY = 4096

/** Records the loss of step 1, 2, 3, … in order; `history()` is the bounded, evenly spaced record so far. */
export const lossRecorder = (capacity = CAPACITY) => {
  if (capacity < 2 || capacity % 2 !== 0) throw new RangeError(`lossRecorder: capacity must be even and ≥ 2, got ${capacity}`)
  let kept: Array<number> = []
  let stride = 1
  let step = 0
  return {
    add: (loss: number): void => {
      step++
      if (step % stride !== 0) return
      kept.push(loss)
      if (kept.length === capacity) {
        kept = kept.filter((_, i) => i % 2 === 1) // steps 2·stride, 4·stride, …
        stride *= 2
      }
    },
    history: (): LossHistory => ({ losses: kept, stride })
  }
}
