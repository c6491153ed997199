/**
 * `pnpm bench`: puregrad against baselines, each workload measured in one run with interleaved repetitions.
 * Prints a table of figures and ratios, and writes the same figures as JSON (bench-results.json, or argv[2]).
 */
import { writeFileSync, renameSync } from 'node:fs'
import { matmulWorkloads } from './workloads/matmul.js'
import type { Row } from './report.js'
import { formatTable } from './report.js'

const rows: Array<Row> = [...matmulWorkloads([64, 256, 512])]
console.log(formatTable(rows))

const out = process.argv[2] ?? 'bench-results.json'
const tmp = `${out}.${process.pid}.tmp`
writeFileSync(tmp, JSON.stringify({ node: process.version, rows }, null, 2) + '\n')
renameSync(tmp, out)
console.log(`\nfigures written to ${out}`)
