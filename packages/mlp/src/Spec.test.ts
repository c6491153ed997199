import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { MlpSpec } from './Spec.js'
import { activationsOf, layersOf, notebookXor, uniform, validateSpec, widthsOf } from './Spec.js'

describe('validateSpec', () => {
  it('accepts the notebook spec and uniform specs', () => {
    expect(validateSpec(notebookXor)).toEqual(E.right(notebookXor))
    expect(E.isRight(validateSpec(uniform([4, 8, 8, 3], 'relu', 'squaredError', 'mean')))).toBe(true)
    expect(E.isRight(validateSpec({ widths: [4, 8, 3], activations: ['tanh', 'softmax'], loss: 'softmaxCrossEntropy', reduction: 'mean' }))).toBe(true)
  })
  it.each<[string, MlpSpec, ReadonlyArray<string>]>([
    ['fewer than two widths', { ...notebookXor, widths: [2], activations: [] }, ['widths: expected at least two widths (inputs and outputs), got 1']],
    ['a zero width', { ...notebookXor, widths: [2, 0, 1] }, ['widths[1]: expected a positive integer, got 0']],
    ['a fractional width', { ...notebookXor, widths: [2, 1.5, 1] }, ['widths[1]: expected a positive integer, got 1.5']],
    ['too few activations', { ...notebookXor, activations: ['sigmoid'] }, ['activations: expected 2 (one per layer), got 1']],
    ['an unknown activation', { ...notebookXor, activations: ['sigmoid', 'swish' as never] }, ['activations[1]: expected one of sigmoid, tanh, relu, leakyRelu, identity, softplus, softmax, got "swish"']],
    ['an unknown loss', { ...notebookXor, loss: 'hinge' as never }, ['loss: expected one of binaryCrossEntropy, squaredError, softmaxCrossEntropy, got "hinge"']],
    ['an unknown reduction', { ...notebookXor, reduction: 'max' as never }, ['reduction: expected sum or mean, got "max"']],
    ['BCE after a relu output', { ...notebookXor, activations: ['sigmoid', 'relu'] }, ['loss: binaryCrossEntropy needs a sigmoid output layer, got relu']],
    ['CE after a sigmoid output', { ...notebookXor, loss: 'softmaxCrossEntropy' }, ['loss: softmaxCrossEntropy needs a softmax output layer, got sigmoid']],
    ['CE with one output', { widths: [2, 1], activations: ['softmax'], loss: 'softmaxCrossEntropy', reduction: 'sum' }, ['widths: softmaxCrossEntropy needs at least two outputs (softmax of one output is constant)']]
  ])('rejects %s', (_, spec, errors) => {
    expect(validateSpec(spec)).toEqual(E.left(errors))
  })
  it('lists every problem at once', () => {
    const r = validateSpec({ widths: [2, -1, 1], activations: ['sigmoid'], loss: 'binaryCrossEntropy', reduction: 'avg' as never })
    expect(E.isLeft(r) && r.left.length).toBe(3)
  })
})

describe('specs as lists of layers', () => {
  it('layersOf, widthsOf and activationsOf read either form alike', () => {
    const layered = layersOf(notebookXor)
    expect(layered).toEqual({
      inputs: 2,
      layers: [{ kind: 'dense', units: 2, activation: 'sigmoid' }, { kind: 'dense', units: 1, activation: 'sigmoid' }],
      loss: 'binaryCrossEntropy',
      reduction: 'sum'
    })
    expect(widthsOf(layered)).toEqual([2, 2, 1])
    expect(activationsOf(layered)).toEqual(['sigmoid', 'sigmoid'])
    expect(E.isRight(validateSpec(layered))).toBe(true)
  })
  it('validateSpec names each layer\'s problems by path, through the registry', () => {
    const spec = { inputs: 0, layers: [{ kind: 'dense', units: 1.5, activation: 'gelu' }, { kind: 'lstm' }], loss: 'squaredError', reduction: 'sum' } as unknown as MlpSpec
    expect(validateSpec(spec)).toEqual(
      E.left([
        'inputs: expected a positive integer or an image { channels, height, width }, got 0',
        'layers[0].units: expected a positive integer, got 1.5',
        'layers[0].activation: expected one of sigmoid, tanh, relu, leakyRelu, identity, softplus, softmax, got "gelu"',
        'layers[1].kind: expected one of dense, conv2d, maxPool2d, avgPool2d, layerNorm, dropout, got "lstm"'
      ])
    )
    expect(validateSpec({ inputs: 3, layers: [], loss: 'squaredError', reduction: 'sum' })).toEqual(E.left(['layers: expected at least one layer']))
  })
})
