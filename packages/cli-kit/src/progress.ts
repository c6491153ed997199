/**
 * Training progress: a live bar on a terminal, a plain line every tenth of the run when output is piped,
 * nothing when quiet. Redraws are throttled by the clock, so progress costs nothing measurable per step.
 */
import { performance } from 'node:perf_hooks'

export type ProgressMode = 'bar' | 'lines' | 'off'

export interface Progress {
  /** Called after each step (1-based) of a run of `total` steps. */
  readonly update: (step: number, loss: number) => void
  /** Ends the display (clears the bar). */
  readonly done: () => void
}

const BAR_WIDTH = 24
const REDRAW_MS = 80

const rate = (count: number, ms: number, unit: string): string =>
  ms > 0 ? `${(count * 1000 / ms).toLocaleString('en-US', { maximumFractionDigits: count * 1000 / ms < 10 ? 1 : 0 })} ${unit}s/s` : ''

/**
 * A progress display writing through `write` (stdout in the app, a buffer in tests). `label` prefixes each line (a
 * restart's number); `unit` names what is counted ('step', or 'run' for a sweep).
 */
export const progress = (mode: ProgressMode, total: number, write: (s: string) => void, label = '', unit = 'step'): Progress => {
  if (mode === 'off' || total === 0) return { update: () => undefined, done: () => undefined }
  const start = performance.now()
  if (mode === 'lines') {
    const every = Math.max(1, Math.floor(total / 10))
    return {
      update: (step, loss) => {
        if (step % every === 0 || step === total) {
          write(`${label}${unit} ${step}/${total}  loss ${loss.toFixed(6)}  ${rate(step, performance.now() - start, unit)}\n`)
        }
      },
      done: () => undefined
    }
  }
  let last = -Infinity
  return {
    update: (step, loss) => {
      const now = performance.now()
      if (now - last < REDRAW_MS && step !== total) return
      last = now
      const filled = Math.round((step / total) * BAR_WIDTH)
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled)
      write(`\r\x1b[K${label}${bar} ${unit} ${step}/${total}  loss ${loss.toFixed(6)}  ${rate(step, now - start, unit)}`)
    },
    done: () => write('\r\x1b[K')
  }
}
