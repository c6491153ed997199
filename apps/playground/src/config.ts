/**
 * A run's configuration, and its round trip through the page's URL: every field is in the query string, so a link
 * reproduces a run exactly. Decoding is total: a bad or missing parameter takes its default and is reported.
 */
import type { ActivationName } from '@puregrad/grad/Activation'
import type { InitName } from '@puregrad/mlp/Init'
import type { OptimizerName } from '@puregrad/mlp/Optimizer'
import type { DatasetName } from './datasets.js'
import { datasetNames } from './datasets.js'

export interface Config {
  readonly dataset: DatasetName
  readonly points: number
  readonly noise: number
  readonly trainRatio: number
  readonly seed: number
  /** Hidden layer widths (none: logistic regression). */
  readonly hidden: ReadonlyArray<number>
  readonly activation: HiddenActivation
  readonly init: InitName
  readonly optimizer: OptimizerName
  readonly lr: number
  readonly batch: number
  readonly weightDecay: number
  /** Pause at this step (0: never): how a test or a link stops a run at a known point. */
  readonly until: number
}

export type HiddenActivation = Exclude<ActivationName, 'softmax' | 'identity'>
export const hiddenActivations: ReadonlyArray<HiddenActivation> = ['tanh', 'relu', 'sigmoid', 'leakyRelu', 'softplus']
export const initNames: ReadonlyArray<InitName> = ['glorotUniform', 'heNormal', 'standardNormal']
export const optimizerNames: ReadonlyArray<OptimizerName> = ['adam', 'momentum', 'sgd']

export const MAX_LAYERS = 6
export const MAX_WIDTH = 16

export const defaults: Config = {
  dataset: 'circles',
  points: 500,
  noise: 0.1,
  trainRatio: 0.7,
  seed: 1,
  hidden: [8, 8],
  activation: 'tanh',
  init: 'glorotUniform',
  optimizer: 'adam',
  lr: 0.03,
  batch: 10,
  weightDecay: 0,
  until: 0
}

/** Each field's query parameter, and how it is read (undefined: not valid) and written. */
const fields: { readonly [K in keyof Config]: { readonly param: string; readonly read: (s: string) => Config[K] | undefined; readonly write: (v: Config[K]) => string } } = {
  dataset: { param: 'data', read: (s) => oneOf(datasetNames, s), write: String },
  points: { param: 'points', read: (s) => integer(s, 4, 2000), write: String },
  noise: { param: 'noise', read: (s) => number(s, 0, 0.5), write: String },
  trainRatio: { param: 'train', read: (s) => number(s, 0.1, 1), write: String },
  seed: { param: 'seed', read: (s) => integer(s, 0, 2 ** 32 - 1), write: String },
  hidden: { param: 'hidden', read: widths, write: (v) => v.join(',') },
  activation: { param: 'act', read: (s) => oneOf(hiddenActivations, s), write: String },
  init: { param: 'init', read: (s) => oneOf(initNames, s), write: String },
  optimizer: { param: 'opt', read: (s) => oneOf(optimizerNames, s), write: String },
  lr: { param: 'lr', read: (s) => number(s, 1e-6, 10, true), write: String },
  batch: { param: 'batch', read: (s) => integer(s, 1, 2000), write: String },
  weightDecay: { param: 'decay', read: (s) => number(s, 0, 1), write: String },
  until: { param: 'until', read: (s) => integer(s, 0, 10_000_000), write: String }
}

function oneOf<K extends string>(names: ReadonlyArray<K>, s: string): K | undefined {
  return (names as ReadonlyArray<string>).includes(s) ? (s as K) : undefined
}

function integer(s: string, min: number, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(s)) return undefined
  const n = Number(s)
  return n >= min && n <= max ? n : undefined
}

function number(s: string, min: number, max: number, exclusiveMin = false): number | undefined {
  if (!/^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(s)) return undefined
  const n = Number(s)
  return Number.isFinite(n) && (exclusiveMin ? n > 0 : true) && n >= min && n <= max ? n : undefined
}

function widths(s: string): ReadonlyArray<number> | undefined {
  if (s === '') return []
  const parts = s.split(',').map((p) => integer(p, 1, MAX_WIDTH))
  return parts.length <= MAX_LAYERS && parts.every((p) => p !== undefined) ? (parts as ReadonlyArray<number>) : undefined
}

/** The configuration in a query string (all fields, in a fixed order). */
export const toQuery = (c: Config): string =>
  (Object.keys(fields) as Array<keyof Config>).map((k) => `${fields[k].param}=${encodeURIComponent((fields[k].write as (v: unknown) => string)(c[k]))}`).join('&')

/** A query string's configuration: defaults where a parameter is missing, and a note for each one that is invalid. */
export const fromQuery = (query: string): { readonly config: Config; readonly problems: ReadonlyArray<string> } => {
  const params = new URLSearchParams(query)
  const problems: Array<string> = []
  const config: Record<string, unknown> = { ...defaults }
  for (const k of Object.keys(fields) as Array<keyof Config>) {
    const raw = params.get(fields[k].param)
    if (raw === null) continue
    const value = fields[k].read(raw)
    if (value === undefined) problems.push(`${fields[k].param}=${JSON.stringify(raw.slice(0, 40))} is not valid; using ${(fields[k].write as (v: unknown) => string)(defaults[k])}`)
    else config[k] = value
  }
  return { config: config as unknown as Config, problems }
}
