/**
 * The messages between the page and its training worker. The worker owns the session; the page asks, the worker
 * answers with snapshots (at most one outstanding: the page asks once per animation frame).
 */
import type { Config, HiddenActivation } from './config.js'
import type { Evaluation } from './session.js'

export type ToWorker =
  | { readonly type: 'configure'; readonly config: Config }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' }
  | { readonly type: 'reset' }
  | { readonly type: 'load'; readonly text: string; readonly config: Config }
  | { readonly type: 'download' }
  | { readonly type: 'snapshot'; readonly cells: number }

export interface Snapshot {
  readonly type: 'snapshot'
  readonly step: number
  readonly running: boolean
  readonly evaluation: Evaluation
  readonly stepsPerSecond: number
  /** Each layer's units over the grid (cells² values each, row-major from the top left); the last is the output. */
  readonly maps: ReadonlyArray<ReadonlyArray<Float32Array>>
  /** Each layer's W (out rows of in values) and b. */
  readonly weights: ReadonlyArray<{ readonly W: ReadonlyArray<ReadonlyArray<number>>; readonly b: ReadonlyArray<number> }>
  readonly diverged: boolean
}

export type FromWorker =
  | Snapshot
  | { readonly type: 'loaded'; readonly hidden: ReadonlyArray<number>; readonly activation: HiddenActivation }
  | { readonly type: 'model'; readonly text: string }
  | { readonly type: 'error'; readonly message: string }
