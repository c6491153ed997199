import { pipe } from 'fp-ts/lib/function.js'
import * as M from '@puregrad/tensor/Matrix'
import { describe, expect, it } from 'vitest'
import * as A from './Activation.js'
import * as D from './Dense.js'
import * as L from './Loss.js'
import { randomCase } from './testing/cases.js'
import * as V from './Vjp.js'

describe('composition', () => {
  const c = randomCase(5, 'binaryCrossEntropy')
  const [p0, ...rest] = c.params

  it('stack + andThen(outputLoss) equals the chain rule written out by hand', () => {
    const layers = c.params.map((_, l) => (l === c.params.length - 1 ? V.affine() : V.dense(A.sigmoid)))
    const net = pipe(V.stack(layers[0]!, ...layers.slice(1)), V.andThen(V.outputLoss(A.sigmoid, L.binaryCrossEntropy, 'mean')(c.y)))
    const { value, dp, dx } = V.valueAndGrad(net)(c.params, c.x)

    // By hand: forward saving (x, z, a) per layer, then dz_L = (a_L − y)/B and dz_l = (W_{l+1}ᵀ·dz_{l+1}) ⊙ σ'(z_l).
    const inputs: Array<M.Matrix> = [c.x]
    const outs = c.params.map((p) => {
      const f = D.dense(p, A.sigmoid)(inputs[inputs.length - 1]!)
      inputs.push(f.a)
      return f
    })
    const last = outs[outs.length - 1]!
    const out = L.outputGradient(A.sigmoid, L.binaryCrossEntropy, 'mean')(last.z, c.y)
    expect(value).toBe(out.loss)
    let dz = out.dz
    for (let l = c.params.length - 1; l >= 0; l--) {
      const g = D.denseBackward(c.params[l]!, inputs[l]!)(dz)
      expect(M.equals(dp[l]!.W, g.grads.W)).toBe(true)
      expect(M.equals(dp[l]!.b, g.grads.b)).toBe(true)
      if (l === 0) expect(M.equals(dx, g.dx)).toBe(true)
      else dz = A.sigmoid.backward(outs[l - 1]!.z, outs[l - 1]!.a, g.dx)
    }
  })

  it('a first layer with inputGradient: false returns null for dx and the same parameter gradients', () => {
    const loss = V.outputLoss(A.sigmoid, L.binaryCrossEntropy, 'sum')(c.y)
    const tail = rest.map(() => V.dense(A.sigmoid))
    const full = pipe(V.stack(V.dense(A.sigmoid), ...tail), V.andThen(loss))
    const lean = pipe(V.stack(V.dense(A.sigmoid, { inputGradient: false }), ...tail), V.andThen(loss))
    const a = V.valueAndGrad(full)(c.params, c.x)
    const b = V.valueAndGrad(lean)(c.params, c.x)
    expect(b.dx).toBeNull()
    expect(a.dp.every((g, l) => M.equals(g.W, b.dp[l]!.W) && M.equals(g.b, b.dp[l]!.b))).toBe(true)
  })

  it('sequence pairs the parameters and chains the pullbacks', () => {
    const net = V.sequence(V.dense(A.tanh), V.activation(A.sigmoid))
    const [y, pullback] = net([p0!, V.noParams], c.x)
    expect(M.equals(y, A.sigmoid.forward(D.dense(p0!, A.tanh)(c.x).a))).toBe(true)
    const [[dp, none], dx] = pullback(M.fill(y.rows, y.cols, 1) as M.Matrix)
    expect(none).toEqual({})
    expect([M.shapeOf(dp.W), M.shapeOf(dp.b), M.shapeOf(dx)]).toEqual([M.shapeOf(p0!.W), M.shapeOf(p0!.b), M.shapeOf(c.x)])
  })

  it('loss scales its pullback by dC', () => {
    const l = V.loss(L.squaredError, 'sum')(M.zeros(1, 2))
    const [value, pullback] = l(V.noParams, M.row([1, -2]))
    expect(value).toBe(2.5)
    expect(Array.from(pullback(3)[1].data)).toEqual([3, -6])
    expect(V.forward(l)(V.noParams, M.row([2, 0]))).toBe(2)
  })

  it('stack checks the number of parameter records', () => {
    expect(() => V.stack(V.affine(), V.affine())([p0!], c.x)).toThrow('stack: 2 layers need as many parameter records, got 1')
  })
})
