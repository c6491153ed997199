// The browser bundle's entry: runs the workload and publishes the result where a page or a test can read it.
import { workload } from './workload.js'

const result = workload()
;(globalThis as { puregradResult?: unknown }).puregradResult = result
const page = (globalThis as { document?: { title: string } }).document
if (page !== undefined) page.title = JSON.stringify(result)
