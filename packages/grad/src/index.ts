/**
 * @puregrad/grad: reverse-mode autodiff of any pure function on closed-form primitives (Ad), closed-form layer
 * gradients as pure functions, activations, losses, backpropagation through dense stacks, VJP composition and
 * gradient checking. Built on @puregrad/tensor only; reusable in any model.
 *
 * @since 0.1.0
 */

export * as Activation from './Activation.js'
export * as Ad from './Ad.js'
export * as Backprop from './Backprop.js'
export * as Dense from './Dense.js'
export * as GradCheck from './GradCheck.js'
export * as Loss from './Loss.js'
export * as Vjp from './Vjp.js'
