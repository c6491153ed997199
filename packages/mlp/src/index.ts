/**
 * @puregrad/mlp: multilayer perceptrons as immutable records, optax-style optimizers, training any model as a
 * fold, datasets, splits and metrics, and codecs for model and parameter files.
 *
 * @since 0.1.0
 */

export * as Codec from './Codec.js'
export * as Convergence from './Convergence.js'
export * as Data from './Data.js'
export * as Init from './Init.js'
export * as Metrics from './Metrics.js'
export * as Mlp from './Mlp.js'
export * as Optimizer from './Optimizer.js'
export * as Spec from './Spec.js'
export * as Train from './Train.js'
