/**
 * The engine, for puregrad's own packages: the fused SGD step of a dense stack (θ + scale·∇θ written in the backward
 * pass), and the registry through which an objective offers such a step (an MLP's, or Ad.objective's) to mlp's
 * Train. Not part of the public API; the package's exports map closes every other `./internal/*` path.
 */

export type { GradientStep } from './backprop.js'
export { gradientStep } from './backprop.js'
export type { Descend } from './descend.js'
export { descendOf, withDescend } from './descend.js'
