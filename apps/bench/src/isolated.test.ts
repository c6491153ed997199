import { describe, expect, it } from 'vitest'

// The child is the compiled dist/tfjsChild.js (pnpm test builds before testing), so the built module is what runs.
const isolated = async () => (await import(new URL('../dist/isolated.js', import.meta.url).href)) as typeof import('./isolated.js')
const quick = { repetitions: 3, minSeconds: 0.01, warmupSeconds: 0.01 }

describe('tfjs contenders in a child process', () => {
  it('come back as timings: one per contender asked for, every sample kept', async () => {
    const { measureInChild } = await isolated()
    const timings = measureInChild({ workload: { kind: 'matmul', n: 16 }, contenders: ['tfjs-cpu'], options: quick })
    expect(timings.map((t) => t.name)).toEqual(['tfjs-cpu'])
    expect(timings[0]!.samples).toHaveLength(3)
    expect(timings[0]!.seconds).toBeGreaterThan(0)
    expect(measureInChild({ workload: { kind: 'matmul', n: 16 }, contenders: [], options: quick })).toEqual([])
  }, 60_000)

  it('a child that fails is reported with what it printed', async () => {
    const { measureInChild } = await isolated()
    const bad = { workload: { kind: 'mlp', mlp: { name: 'bad', widths: [2, -1], batch: 4, lr: 1, targets: {}, gflops: false } }, contenders: ['tfjs-cpu'], options: quick } as const
    expect(() => measureInChild(bad)).toThrow(/^bench: the tfjs contenders failed \(exit 1\): [\s\S]+/)
  }, 60_000)
})
