/**
 * What the spec needs to know of a layer kind: its checks, what it gives for what it is fed, its parameters' shapes,
 * the activation it ends in, how to initialise it and its forward rule (on Ad's ops, which also differentiate it).
 * A new kind is one module implementing this and one line in `registry.ts`.
 */

import type { ActivationName } from '@puregrad/grad/Activation'
import type { ImageShape } from '@puregrad/grad/Ad'
import type { DenseParams } from '@puregrad/grad/Dense'
import type { Matrix } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'

/** What flows between layers: `rows` values per example, and the image they form, when they form one. */
export interface Shape {
  readonly rows: number
  readonly image?: ImageShape
}

/** A layer's weights and bias: W is out × in, b is out × 1 (the only parameter shapes a model file holds). */
export interface ParameterShape {
  readonly out: number
  readonly in: number
}

/** Draws W (out × in) and b (out × 1) from a key: an initialiser of `Init`, with the fans the kind decides. */
export type DrawParameters = (key: Key, fanIn: number, fanOut: number) => DenseParams

/** How a forward pass runs: `key` (training) turns dropout on; `logits` stops the last layer before its activation. */
export interface ForwardMode {
  readonly key: Key | undefined
  readonly logits: boolean
}

export interface LayerKind<L extends { readonly kind: string }> {
  readonly kind: L['kind']
  /** Problems with the layer's own fields, each as `field: …` (the caller prefixes the layer's path). */
  readonly check: (layer: L) => ReadonlyArray<string>
  /** What it gives for `input`, or why it cannot take that input (as `check`'s messages). */
  readonly output: (layer: L, input: Shape) => Shape | string
  /** Its parameters' shape for `input`, or undefined for a layer without parameters. */
  readonly parameters: (layer: L, input: Shape) => ParameterShape | undefined
  /** The activation its output goes through (which a loss's canonical pairing reads). */
  readonly activation: (layer: L) => ActivationName
  /** Its initial parameters (called only when `parameters` gives a shape). */
  readonly init: (layer: L, input: Shape, key: Key, draw: DrawParameters) => DenseParams
  /** Its output for x (input.rows × B), with Ad's ops; p is undefined for a layer without parameters. */
  readonly forward: (layer: L, input: Shape, p: DenseParams | undefined, x: Matrix, mode: ForwardMode) => Matrix
}

/** A positive integer check as a kind's message. */
export const positive = (field: string, v: unknown): ReadonlyArray<string> =>
  Number.isSafeInteger(v) && (v as number) >= 1 ? [] : [`${field}: expected a positive integer, got ${describeValue(v)}`]

/** A kernel, stride or padding: an integer ≥ min, or a pair [h, w] of them. */
export const pairOf = (field: string, v: unknown, min: number, optional: boolean): ReadonlyArray<string> => {
  if (v === undefined && optional) return []
  const ok = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= min
  if (ok(v) || (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]))) return []
  return [`${field}: expected an integer ≥ ${min} or a pair [h, w] of them, got ${describeValue(v)}`]
}

export const describeValue = (v: unknown): string => {
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  if (Array.isArray(v)) return v.length <= 3 && v.every((e) => typeof e === 'number') ? `[${v.join(', ')}]` : 'an array'
  return v === null ? 'null' : v === undefined ? 'nothing' : typeof v
}

/** Why an image layer cannot take a flat input. */
export const needsImage = (kind: string): string =>
  `${kind} needs an image input: give the spec's inputs as { channels, height, width }, and put it after an image layer`
