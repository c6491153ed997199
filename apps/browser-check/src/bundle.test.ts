import { Kernel } from '@puregrad/tensor/internal/engine'
import { describe, expect, it } from 'vitest'
import { bundleForBrowser, nodeReferences } from './bundle.js'
import type { WorkloadResult } from './workload.js'
import { workload } from './workload.js'

describe('the libraries in a browser bundle', () => {
  it('bundle without a Node built-in, run, and give the same bits as in Node', async () => {
    const { code, imports } = await bundleForBrowser()
    expect(imports).toEqual([])
    expect(nodeReferences(code)).toEqual([])
    // The bundle is self-contained: evaluate it as a module of its own, the way a page would.
    await import(`data:text/javascript,${encodeURIComponent(code)}`)
    const inBundle = (globalThis as { puregradResult?: WorkloadResult }).puregradResult
    const direct = workload()
    expect(inBundle).toEqual(direct)
    expect(direct.loss).toBeLessThan(0.05)
    expect(direct.outputs.map(Math.round)).toEqual([0, 1, 1, 0])
    // The wide network ran on the WebAssembly kernel; on the JS kernels it gives the same bits.
    expect(direct.wasm).toBe(true)
    expect(Object.is(Kernel.withBackend('js', workload).wideLoss, direct.wideLoss)).toBe(true)
  }, 60_000)

  it('nodeReferences finds what a Node dependency leaves behind', () => {
    expect(nodeReferences('import { readFileSync } from "node:fs"; const x = process.env.HOME, y = require("os")')).toEqual([
      'node:fs',
      'process.env',
      'require('
    ])
  })
})
