/**
 * The engine settings contenders run under, set in their `prepare` (contenders are interleaved, so each sets all of
 * them): puregrad as a user gets it (WebAssembly where it pays, threads at their default), puregrad on one thread
 * (`puregrad-1t`, the baseline of the threads' targets), and puregrad on its JS kernels.
 */
import { Threads } from '@puregrad/tensor'
import { Kernel } from '@puregrad/tensor/internal/engine'

/** The default thread count (the machine's cores, capped), read before any contender changes it. */
export const defaultThreads = Threads.requestedCount()

/** puregrad as it comes: kernels chosen by size, the default thread count. */
export const useDefaults = (): void => {
  Kernel.useBackend('auto')
  Threads.setCount(defaultThreads)
}

/** puregrad with every product on the calling thread. */
export const oneThread = (): void => {
  Kernel.useBackend('auto')
  Threads.setCount(1)
}

/** puregrad on its pure-JS kernels (which never use threads). */
export const jsKernels = (): void => {
  Kernel.useBackend('js')
  Threads.setCount(defaultThreads)
}
