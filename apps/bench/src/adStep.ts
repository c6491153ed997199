/**
 * The `ad` contender: the same network and optimizer as puregrad's fused step, written as forward code with
 * Ad.dense and the fused loss, made an objective by Ad.objective and trained by the generic Train.step.
 * Its losses and parameters are puregrad's bit for bit (baselines.test.ts): only the route differs.
 */
import * as Ad from '@puregrad/grad/Ad'
import type { Batch, Params } from '@puregrad/mlp/Mlp'
import * as Opt from '@puregrad/mlp/Optimizer'
import * as T from '@puregrad/mlp/Train'
import type { Matrix } from '@puregrad/tensor/Matrix'

/** σ(W·x + b) on every hidden layer, logits at the last, binary cross-entropy summed over the batch. */
const loss = (params: Params, x: Matrix, y: Matrix): Matrix => {
  let h = x
  for (let l = 0; l < params.length; l++) h = Ad.dense(params[l]!, h, l === params.length - 1 ? 'identity' : 'sigmoid')
  return Ad.binaryCrossEntropyWithLogits(h, y, 'sum')
}

/** The network's objective for Train: Ad's value and gradients on a batch. */
export const objective = Ad.objective((params: Params, batch: Batch) => loss(params, batch.x, batch.y))

/** A step function and its initial state: plain SGD at `lr`, as the bench's puregrad step. */
export const adTraining = (params0: Params, lr: number) => {
  const optimizer = Opt.sgd(lr)
  return { initial: T.initialState(optimizer)(params0), step: T.step(objective, optimizer) }
}
