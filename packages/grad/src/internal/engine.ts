/**
 * The engine, for puregrad's own packages: the fused SGD step of a dense stack (θ + scale·∇θ written in the backward
 * pass), which mlp's Train uses for an MLP with plain SGD. Not part of the public API; the package's exports map
 * closes every other `./internal/*` path.
 */

export type { GradientStep } from './backprop.js'
export { gradientStep } from './backprop.js'
