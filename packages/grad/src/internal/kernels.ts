/**
 * The rules of activations and losses over raw buffers, for layers that fuse them (Backprop's loops, Ad's dense and
 * loss primitives): each activation and loss made in this package registers its kernels here, and a fusing layer
 * asks `activationKernels(a)` / `lossKernels(l)`. A user's own activation or loss has none and takes the public route
 * (forward/backward, value/gradient), with the same results. Every public rule is these kernels run into a fresh
 * buffer, so both routes give the same bits.
 */

import type { Epilogue } from '@puregrad/tensor/internal/engine'
import type { ReadonlyFloat64Array } from '@puregrad/tensor/Matrix'
import type { Activation } from '../Activation.js'
import type { Loss, Reduction } from '../Loss.js'

type Forward = Epilogue.Forward
type Derivative = Epilogue.Derivative

/**
 * An activation's rules over row-major buffers of rows × cols entries. `out` may be the same buffer as the input it
 * replaces (z in `forward`, da in `backward`): every entry is read before it is written.
 */
export interface ActivationKernels {
  /** out = σ(z). */
  readonly forward: (z: ReadonlyFloat64Array, out: Float64Array, rows: number, cols: number) => void
  /** out = dz from z, a = σ(z) and da. Reads z only when `needsZ`; otherwise any buffer may stand in for it. */
  readonly backward: (z: ReadonlyFloat64Array, a: ReadonlyFloat64Array, da: ReadonlyFloat64Array, out: Float64Array, rows: number, cols: number) => void
  /** False when σ' is a function of a = σ(z) alone, so a layer may overwrite z with a and keep one buffer. */
  readonly needsZ: boolean
  /**
   * Set when `forward` is the matrix kernels' epilogue of this name (tensor's Epilogue: sigmoid), so a layer can have
   * the kernel that forms W·x + b apply σ before handing the product back.
   */
  readonly epilogue?: Forward
  /**
   * Set when `backward` is the matrix kernels' epilogue of this name (tensor's Epilogue.timesDerivative), so a layer
   * can have the kernel that forms Wᵀ·dz apply σ' before handing the product back.
   */
  readonly derivative?: Derivative
}

export interface LossKernels {
  /**
   * Writes ∂C/∂z through the canonical activation into `out` and returns C, from logits z and targets y (row-major,
   * rows × cols). `out` may be z's own buffer: each entry of z is read before it is written.
   */
  readonly fromLogits: (
    z: ReadonlyFloat64Array,
    y: ReadonlyFloat64Array,
    out: Float64Array,
    rows: number,
    cols: number,
    reduction: Reduction
  ) => number
}

const activations = new WeakMap<Activation, ActivationKernels>()
const losses = new WeakMap<Loss, LossKernels>()

/** Registers an activation's kernels; returns the activation. */
export const withActivationKernels = (activation: Activation, kernels: ActivationKernels): Activation => {
  activations.set(activation, kernels)
  return activation
}

/** The kernels of an activation made here; undefined for one a user made. */
export const activationKernels = (activation: Activation): ActivationKernels | undefined => activations.get(activation)

/** Registers a loss's kernels; returns the loss. */
export const withLossKernels = (loss: Loss, kernels: LossKernels): Loss => {
  losses.set(loss, kernels)
  return loss
}

/** The kernels of a loss made here; undefined for one a user made. */
export const lossKernels = (loss: Loss): LossKernels | undefined => losses.get(loss)
