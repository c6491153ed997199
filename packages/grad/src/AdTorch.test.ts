import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { describe, expect, it } from 'vitest'
import * as Ad from './Ad.js'
import { torchReference } from './testing/torchReference.js'

// PyTorch 1.13's outputs and gradients (scripts/torch-reference.py) in the layout of the grad README:
// x as x.reshape(B, -1).T, a conv weight as weight.reshape(out, -1), biases and γ, β as columns.

/** The inputs the script builds: sin(0.7·i + phase)·1.3 for i < n, read row-major into rows × cols. */
const values = (rows: number, cols: number, phase: number) => M.makeBy(rows, cols, (i, j) => Math.sin(0.7 * (i * cols + j) + phase) * 1.3)
/** A (B, features) PyTorch tensor's values as puregrad's features × B matrix. */
const fromBatchFirst = (batch: number, features: number, phase: number) => M.transpose(values(batch, features, phase))
const close = (ours: Matrix, theirs: unknown) => {
  const expected = theirs as ReadonlyArray<number>
  expect(ours.data.length).toBe(expected.length)
  ours.data.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i]!))))
}

describe('Ad\'s image and normalisation primitives agree with PyTorch (1e-12)', () => {
  it.each(torchReference.filter((c) => c.op === 'conv2d').map((c) => [c] as const))('conv2d %#', (c) => {
    const [C, H, W, out, B] = [c['channels'], c['height'], c['width'], c['filters'], c['batch']] as Array<number>
    const [kh, kw] = c['kernel'] as [number, number]
    const options = { channels: C!, height: H!, width: W!, kernel: [kh, kw] as const, stride: c['stride'] as [number, number], padding: c['padding'] as [number, number] }
    const p = { W: values(out!, C! * kh * kw, 0.5), b: M.transpose(values(1, out!, 0.9)), x: fromBatchFirst(B!, C! * H! * W!, 0.1) }
    const y = Ad.conv2d(p, p.x, options)
    close(y, c['y'])
    const g = fromBatchFirst(B!, y.rows, 1.3)
    const { grads } = Ad.valueAndGrad((q: typeof p) => Ad.sum(Ad.mul(Ad.conv2d(q, q.x, options), g)))(p)
    close(grads.W, c['dW'])
    close(grads.b, c['db'])
    close(grads.x, c['dx'])
  })
  it.each(torchReference.filter((c) => c.op.endsWith('Pool2d')).map((c) => [c.op, c] as const))('%s', (op, c) => {
    const [C, H, W, B] = [c['channels'], c['height'], c['width'], c['batch']] as Array<number>
    const stride = c['stride'] as [number, number] | null
    const options = { channels: C!, height: H!, width: W!, kernel: c['kernel'] as [number, number], ...(stride ? { stride } : {}) }
    const pool = op === 'maxPool2d' ? Ad.maxPool2d : Ad.avgPool2d
    const x = fromBatchFirst(B!, C! * H! * W!, 0.2)
    const y = pool(x, options)
    close(y, c['y'])
    const g = fromBatchFirst(B!, y.rows, 1.7)
    close(Ad.grad((q: { x: Matrix }) => Ad.sum(Ad.mul(pool(q.x, options), g)))({ x }).x, c['dx'])
  })
  it.each(torchReference.filter((c) => c.op === 'layerNorm').map((c) => [c] as const))('layerNorm %#', (c) => {
    const [n, B, eps] = [c['rows'], c['batch'], c['eps']] as Array<number>
    const p = { gamma: M.transpose(values(1, n!, 1.1)), beta: M.transpose(values(1, n!, 2.1)), x: fromBatchFirst(B!, n!, 0.3) }
    const y = Ad.layerNorm(p, p.x, { eps: eps! })
    close(y, c['y'])
    const g = fromBatchFirst(B!, n!, 0.4)
    const { grads } = Ad.valueAndGrad((q: typeof p) => Ad.sum(Ad.mul(Ad.layerNorm(q, q.x, { eps: eps! }), g)))(p)
    close(grads.gamma, c['dgamma'])
    close(grads.beta, c['dbeta'])
    close(grads.x, c['dx'])
  })
})
