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

const rate = (steps: number, ms: number): string => (ms > 0 ? `${Math.round((steps * 1000) / ms).toLocaleString('en-US')} steps/s` : '')

/** A progress display writing through `write` (stdout in the app, a buffer in tests). */
export const progress = (mode: ProgressMode, total: number, write: (s: string) => void, label = ''): Progress => {
  if (mode === 'off' || total === 0) return { update: () => undefined, done: () => undefined }
  const start = performance.now()
  if (mode === 'lines') {
    const every = Math.max(1, Math.floor(total / 10))
    return {
      update: (step, loss) => {
        if (step % every === 0 || step === total) {
          write(`${label}step ${step}/${total}  loss ${loss.toFixed(6)}  ${rate(step, performance.now() - start)}\n`)
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
      write(`\r\x1b[K${label}${bar} step ${step}/${total}  loss ${loss.toFixed(6)}  ${rate(step, now - start)}`)
    },
    done: () => write('\r\x1b[K')
  }
}
