/**
 * Objectives that can take a gradient step themselves: θ + scale·∂C/∂θ formed inside their backward pass (an MLP's
 * Backprop.gradientStep; forward code made an objective by Ad.objective), registered here by the module that makes
 * the objective and read by mlp's Train.step when the optimizer's updates are the gradients times one number (plain
 * SGD). Kept out of the public types; a registered step gives exactly the bits of the objective's gradients followed
 * by `Matrix.axpy(scale, g)(θ)` on every leaf, and each registration is tested for that.
 */

/** θ + scale·∂C/∂θ and the loss at θ, with the update inside the backward pass. */
export type Descend<P, B> = (params: P, batch: B, scale: number) => { readonly loss: number; readonly params: P }

const objectives = new WeakMap<object, Descend<unknown, unknown>>()

/** Registers an objective's fused gradient step; returns the objective. */
export const withDescend = <F extends object, P, B>(objective: F, descend: Descend<P, B>): F => {
  objectives.set(objective, descend as unknown as Descend<unknown, unknown>)
  return objective
}

/** The fused gradient step registered for an objective, if any. */
export const descendOf = <P, B>(objective: object): Descend<P, B> | undefined => objectives.get(objective) as unknown as Descend<P, B> | undefined
