/**
 * The two architectures `--model` names, as specs: a dense network and a small convolutional one, both ending in a
 * softmax over the 10 digits with cross-entropy averaged over the batch.
 */
import type { LayeredSpec } from '@puregrad/mlp/Spec'
import { CLASSES, IMAGE, PIXELS } from './data.js'

export type ModelName = 'mlp' | 'cnn'
export const modelNames: ReadonlyArray<ModelName> = ['mlp', 'cnn']

/** 64 → 128 (relu, dropout 0.2 while training) → 10 (softmax). */
export const mlp: LayeredSpec = {
  inputs: PIXELS,
  layers: [
    { kind: 'dense', units: 128, activation: 'relu' },
    { kind: 'dropout', rate: 0.2 },
    { kind: 'dense', units: CLASSES, activation: 'softmax' }
  ],
  loss: 'softmaxCrossEntropy',
  reduction: 'mean'
}

/**
 * 1×8×8 → conv 3×3 (16 filters, pad 1, relu) → max 2×2 → conv 3×3 (32, pad 1, relu) → max 2×2 → dropout 0.25 on the
 * 32×2×2 = 128 values → 10 (softmax).
 */
export const cnn: LayeredSpec = {
  inputs: IMAGE,
  layers: [
    { kind: 'conv2d', filters: 16, kernel: 3, padding: 1, activation: 'relu' },
    { kind: 'maxPool2d', kernel: 2 },
    { kind: 'conv2d', filters: 32, kernel: 3, padding: 1, activation: 'relu' },
    { kind: 'maxPool2d', kernel: 2 },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'dense', units: CLASSES, activation: 'softmax' }
  ],
  loss: 'softmaxCrossEntropy',
  reduction: 'mean'
}

export const specs: Readonly<Record<ModelName, LayeredSpec>> = { mlp, cnn }
