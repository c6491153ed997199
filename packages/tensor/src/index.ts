/**
 * @puregrad/tensor: pure Float64 matrices with phantom dimensions, parameter trees and a splittable PRNG.
 *
 * @since 0.1.0
 */

export * as Exp from './Exp.js'
export * as Log from './Log.js'
export * as Matrix from './Matrix.js'
export * as Random from './Random.js'
export * as Tanh from './Tanh.js'
export * as Threads from './Threads.js'
export * as Tree from './Tree.js'
export * as Trig from './Trig.js'
export type { Matrix as Mat, ReadonlyFloat64Array } from './Matrix.js'
export { ShapeError } from './Matrix.js'
export type { Key } from './Random.js'
