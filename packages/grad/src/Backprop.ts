/**
 * Backpropagation through a stack of dense layers, written out as the notebook's two loops instead of composed
 * from VJPs: a forward loop that saves (z, a) per layer, then a backward loop that carries dz from the loss down.
 *
 *   forward   z_l = W_l·a_l + b_l,  a_{l+1} = σ_l(z_l)               (a_0 = x; the last σ is the output's)
 *   output    C and dz_{L−1} = ∂C/∂z_{L−1}, fused for canonical pairs (see Loss.outputGradient)
 *   backward  dW_l = dz_l·a_lᵀ,  db_l = Σ_batch dz_l,  dz_{l−1} = (W_lᵀ·dz_l) ⊙ σ'_{l−1}(z_{l−1})
 *
 * It computes exactly what `pipe(Vjp.stack(…), Vjp.andThen(Vjp.outputLoss(…)))` computes, bit for bit (a property
 * test holds the two together): the same products, the same activation rules. It leaves out what composition costs
 * per call (a closure and a tuple per piece), and arrays nothing needs: the kernel forming W·x adds the bias and,
 * for sigmoid, applies σ (Kernel.gemmBias), other activations run over that buffer; σ' is applied by the kernel
 * forming Wᵀ·dz where it is one of the kernels' epilogues (Kernel.gemmDerivative: sigmoid, tanh, relu), else over
 * Wᵀ·dz's own buffer; and a canonical output loss never materialises a = σ(z).
 * On a network as small as XOR that overhead was most of a training step. The loops are in src/internal/backprop.ts.
 *
 * @since 0.1.0
 */

export type { DenseStack, LossAndGradients } from './internal/backprop.js'
export { lossAndGradients, predict } from './internal/backprop.js'
