/**
 * Model files: a readable, stable JSON format that other tools can write too.
 *
 * ```json
 * { "format": "puregrad/mlp", "version": 1,
 *   "spec": { "widths": [2, 2, 1], "activations": ["sigmoid", "sigmoid"], "loss": "binaryCrossEntropy", "reduction": "sum" },
 *   "layers": [ { "W": [[0.1, -0.2], [0.3, 0.4]], "b": [0.0, 0.1] }, { "W": [[0.5, -0.6]], "b": [0.2] } ] }
 * ```
 * W is an array of rows (out × in), b a flat array of length out. `decodeModel` checks the format tag and version,
 * the spec, every shape and that every number is finite, and names the path of each problem.
 * `decodeModel(encodeModel(m))` is bit-identical; through JSON text too, except that JSON writes −0 as 0.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import * as Loss from '@puregrad/grad/Loss'
import type { LossName } from '@puregrad/grad/Loss'
import * as M from '@puregrad/tensor/Matrix'
import { formatErrors } from './errors.js'
import type { Params } from './Mlp.js'
import type { MlpSpec } from './Spec.js'
import { validateSpec } from './Spec.js'

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

export const FORMAT = 'puregrad/mlp'
export const VERSION = 1

const keysOf = <K extends string>(names: ReadonlyArray<K>): Record<K, null> =>
  Object.fromEntries(names.map((n) => [n, null])) as Record<K, null>

export const ActivationNameC = t.keyof(keysOf<ActivationName>(Act.names), 'an activation name')
export const LossNameC = t.keyof(keysOf<LossName>(Loss.names), 'a loss name')
export const ReductionC = t.keyof({ sum: null, mean: null }, '"sum" or "mean"')

export const SpecJson = t.type({
  widths: t.array(t.number),
  activations: t.array(ActivationNameC),
  loss: LossNameC,
  reduction: ReductionC
})

export const LayerJson = t.type({ W: t.array(t.array(t.number)), b: t.array(t.number) })

export const ModelJson = t.type({
  format: t.literal(FORMAT),
  version: t.literal(VERSION),
  spec: SpecJson,
  layers: t.array(LayerJson)
})
export type ModelJson = t.TypeOf<typeof ModelJson>

/** A spec with its parameters. */
export interface Model {
  readonly spec: MlpSpec
  readonly params: Params
}

// -------------------------------------------------------------------------------------
// encode
// -------------------------------------------------------------------------------------

/** The JSON document of a model (plain data: pass it to JSON.stringify). */
export const encodeModel = (spec: MlpSpec, params: Params): ModelJson => ({
  format: FORMAT,
  version: VERSION,
  spec: { widths: [...spec.widths], activations: [...spec.activations], loss: spec.loss, reduction: spec.reduction },
  layers: params.map(({ W, b }) => ({ W: M.toRows(W), b: Array.from(b.data) }))
})

// -------------------------------------------------------------------------------------
// decode
// -------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

/** Checks one layer against its expected shape; returns the errors (empty when it fits). */
const layerErrors = (layer: t.TypeOf<typeof LayerJson>, l: number, out: number, inputs: number): ReadonlyArray<string> => {
  const errors: Array<string> = []
  const W = layer.W
  const cols = W.length === 0 ? 0 : W[0]!.length
  const ragged = W.findIndex((r) => r.length !== cols)
  if (ragged >= 0) errors.push(`layers[${l}].W[${ragged}]: expected ${cols} numbers (as W[0]), got ${W[ragged]!.length}`)
  else if (W.length !== out || cols !== inputs) errors.push(`layers[${l}].W: expected ${out}×${inputs}, got ${W.length}×${cols}`)
  if (layer.b.length !== out) errors.push(`layers[${l}].b: expected ${out} entries, got ${layer.b.length}`)
  W.forEach((r, i) =>
    r.forEach((v, j) => {
      if (!Number.isFinite(v)) errors.push(`layers[${l}].W[${i}][${j}]: expected a finite number, got ${v}`)
    })
  )
  layer.b.forEach((v, i) => {
    if (!Number.isFinite(v)) errors.push(`layers[${l}].b[${i}]: expected a finite number, got ${v}`)
  })
  return errors
}

/**
 * A model from untrusted data (parsed JSON). Left lists every problem with its path, e.g.
 * `layers[1].W: expected 1×2, got 2×1`. Never throws.
 */
export const decodeModel = (u: unknown): E.Either<ReadonlyArray<string>, Model> => {
  if (!isRecord(u)) return E.left([`the document: expected a puregrad/mlp model object, got ${Array.isArray(u) ? 'an array' : u === null ? 'null' : typeof u}`])
  if (u['format'] !== FORMAT) {
    return E.left([`format: expected "${FORMAT}", got ${JSON.stringify(u['format']) ?? 'nothing'}: this is not a puregrad model file`])
  }
  if (u['version'] !== VERSION) {
    return E.left([`version: expected ${VERSION}, got ${JSON.stringify(u['version']) ?? 'nothing'}: this build reads version ${VERSION} only`])
  }
  const decoded = ModelJson.decode(u)
  if (E.isLeft(decoded)) return E.left(formatErrors(decoded.left))
  const { spec, layers } = decoded.right
  const specErrors = validateSpec(spec)
  if (E.isLeft(specErrors)) return E.left(specErrors.left.map((e) => `spec.${e}`))
  const expected = spec.widths.length - 1
  if (layers.length !== expected) {
    return E.left([`layers: expected ${expected} layers for widths [${spec.widths.join(', ')}], got ${layers.length}`])
  }
  const errors = layers.flatMap((layer, l) => layerErrors(layer, l, spec.widths[l + 1]!, spec.widths[l]!))
  if (errors.length > 0) return E.left(errors)
  const params: Params = layers.map(({ W, b }) => ({
    W: M.unsafeFromArray(W.length, W[0]!.length, W.flat()),
    b: M.unsafeFromArray(b.length, 1, b)
  }))
  return E.right({ spec, params })
}
