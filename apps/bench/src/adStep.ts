/**
 * The `ad` contender: the same network and optimizer as puregrad's fused step, written as forward code with
 * Ad.dense and the fused loss and differentiated by Ad.valueAndGrad, then updated by Optimizer.updateAndApply.
 * Its losses and parameters are puregrad's bit for bit (baselines.test.ts): only the route differs.
 */
import * as Ad from '@puregrad/grad/Ad'
import type { DenseParams } from '@puregrad/grad/Dense'
import type { Matrix } from '@puregrad/tensor/Matrix'
import * as Opt from '@puregrad/mlp/Optimizer'

type Params = ReadonlyArray<DenseParams>


/** σ(W·x + b) on every hidden layer, logits at the last, binary cross-entropy summed over the batch. */
const loss = (params: Params, x: Matrix, y: Matrix): Matrix => {
  let h = x
  for (let l = 0; l < params.length; l++) h = Ad.dense(params[l]!, h, l === params.length - 1 ? 'identity' : 'sigmoid')
  return Ad.binaryCrossEntropyWithLogits(h, y, 'sum')
}

/** A step function and its initial state: plain SGD at `lr`, as the bench's puregrad step. */
export const adTraining = (params0: Params, lr: number) => {
  const optimizer = Opt.sgd(lr)
  const valueAndGrad = Ad.valueAndGrad(loss)
  const apply = Opt.updateAndApply(optimizer)
  const initial = { params: params0, optState: optimizer.init(params0), loss: NaN }
  const step = (state: typeof initial, x: Matrix, y: Matrix): typeof initial => {
    const { value, grads } = valueAndGrad(state.params, x, y)
    const [params, optState] = apply(grads, state.optState, state.params)
    return { params, optState, loss: value }
  }
  return { initial, step }
}
