/**
 * The engine, for puregrad's own packages (grad's fused layers, the bench, the browser check): the matrix kernels
 * with their epilogues and the backend switch. Not part of the public API: no stability promise, not in the index
 * or the README; the package's exports map closes every other `./internal/*` path.
 */

export * as Epilogue from './Epilogue.js'
export * as Kernel from './Kernel.js'
