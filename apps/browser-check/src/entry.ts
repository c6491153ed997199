// The browser bundle's entry: runs the workload and publishes the result where a page, a worker's parent or a test
// can read it. In a worker it also says how many threads its products could use (Threads.count: more than one in a
// cross-origin-isolated page), which the result itself must not depend on.
import { Threads } from '@puregrad/tensor'
import { workload } from './workload.js'

const result = workload()
;(globalThis as { puregradResult?: unknown }).puregradResult = result
const scope = globalThis as { document?: { title: string }; postMessage?: (message: unknown) => void; WorkerGlobalScope?: unknown }
if (scope.document !== undefined) scope.document.title = JSON.stringify(result)
else if (scope.WorkerGlobalScope !== undefined) scope.postMessage?.({ result, threads: Threads.count() })
