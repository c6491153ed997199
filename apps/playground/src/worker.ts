/**
 * The training worker: it owns the session and trains while the page stays responsive. Steps run in slices of about
 * 12 ms (the number per slice grows until a slice is that long), then the worker yields, so messages (pause, a
 * snapshot request) are answered between slices. The matmul kernels are tensor's, WebAssembly where it pays.
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodeModel } from '@puregrad/mlp/Codec'
import * as M from '@puregrad/tensor/Matrix'
import type { Config } from './config.js'
import type { FromWorker, Snapshot, ToWorker } from './protocol.js'
import type { Session } from './session.js'
import { evaluate, gridInputs, modelFile, networkOf, start, stepper, unitMaps } from './session.js'

/** The worker's global scope, as far as it is used here (the page's tsconfig has the DOM library, not WebWorker). */
const scope = self as unknown as {
  postMessage: (message: FromWorker, transfer?: Array<Transferable>) => void
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null
}

const SLICE_MS = 12
/** At most this many models' file bytes are decoded from an upload (the CLI's cap is larger; the page's nets are small). */
const MAX_UPLOAD_CHARS = 8 * 1024 * 1024

let session: Session | undefined
let advance: ((s: Session, n: number) => Session) | undefined
let running = false
let chunk = 1
let diverged = false
let rate = { since: 0, steps: 0, value: 0 }
const grids = new Map<number, M.Matrix>()

const post = (m: FromWorker, transfer: Array<Transferable> = []) => scope.postMessage(m, transfer)

const reset = (config: Config, params?: Session['state']['params']) => {
  session = start(config, params)
  advance = stepper(session)
  diverged = false
  rate = { since: performance.now(), steps: 0, value: 0 }
}

/** Trains for one slice, then schedules the next while running. */
const slice = () => {
  if (!running || session === undefined || advance === undefined) return
  const until = session.config.until
  const t0 = performance.now()
  while (performance.now() - t0 < SLICE_MS) {
    const left = until > 0 ? until - session.state.step : Infinity
    const n = Math.min(chunk, left)
    if (n <= 0) break
    const c0 = performance.now()
    const before = session.state.step
    session = advance(session, n)
    if (session.state.step - before < n) {
      diverged = true
      break
    }
    rate.steps += n
    if (performance.now() - c0 < 1) chunk *= 2
  }
  const now = performance.now()
  if (now - rate.since >= 500) rate = { since: now, steps: 0, value: (rate.steps * 1000) / (now - rate.since) }
  if (diverged || (until > 0 && session.state.step >= until)) running = false
  if (running) setTimeout(slice, 0)
}

const snapshot = (cells: number): void => {
  if (session === undefined) return
  let grid = grids.get(cells)
  if (grid === undefined) grids.set(cells, (grid = gridInputs(cells)))
  const maps = unitMaps(session, grid)
  const message: Snapshot = {
    type: 'snapshot',
    step: session.state.step,
    running,
    evaluation: evaluate(session),
    stepsPerSecond: running ? rate.value : 0,
    maps,
    weights: session.state.params.map((p) => ({ W: M.toRows(p.W), b: Array.from(p.b.data) })),
    diverged
  }
  post(message, maps.flatMap((layer) => layer.map((m) => m.buffer as ArrayBuffer)))
}

scope.onmessage = (e) => {
  const m = e.data
  switch (m.type) {
    case 'configure':
      running = false
      reset(m.config)
      return
    case 'play':
      if (session === undefined || running) return
      running = true
      chunk = 1
      rate = { since: performance.now(), steps: 0, value: 0 }
      setTimeout(slice, 0)
      return
    case 'pause':
      running = false
      return
    case 'step':
      if (session !== undefined && advance !== undefined && !running && !diverged) session = advance(session, 1)
      return
    case 'reset':
      running = false
      if (session !== undefined) reset(session.config)
      return
    case 'load': {
      if (m.text.length > MAX_UPLOAD_CHARS) return post({ type: 'error', message: `the model file is larger than ${MAX_UPLOAD_CHARS / 2 ** 20} MiB` })
      let json: unknown
      try {
        json = JSON.parse(m.text)
      } catch (err) {
        return post({ type: 'error', message: `the model file is not JSON: ${err instanceof Error ? err.message.slice(0, 120) : String(err)}` })
      }
      const model = decodeModel(json, { maxParameters: 10_000 })
      if (E.isLeft(model)) return post({ type: 'error', message: `not a valid model: ${model.left.slice(0, 2).join('; ')}` })
      const network = networkOf(model.right)
      if (typeof network === 'string') return post({ type: 'error', message: network })
      running = false
      reset({ ...m.config, hidden: network.hidden, activation: network.activation }, model.right.params)
      return post({ type: 'loaded', ...network })
    }
    case 'download': {
      if (session === undefined) return
      const file = modelFile(session)
      return E.isLeft(file) ? post({ type: 'error', message: `cannot save the model: ${file.left}` }) : post({ type: 'model', text: JSON.stringify(file.right, null, 2) + '\n' })
    }
    case 'snapshot':
      return snapshot(m.cells)
  }
}
