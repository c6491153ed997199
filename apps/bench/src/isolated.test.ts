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

  it('alternate with ours in rounds, each side\'s samples pooled across the rounds', async () => {
    const { measureWorkload, ROUNDS } = await isolated()
    const order: Array<string> = []
    const ours = { name: 'ours', run: () => 1, prepare: async () => void order.push('ours') }
    const timings = await measureWorkload([ours], { kind: 'matmul', n: 16 }, new Set(['ours', 'tfjs-cpu']), quick)
    expect(timings.map((t) => t.name)).toEqual(['ours', 'tfjs-cpu'])
    // quick asks for 3 samples: one per round on each side, ours first in every round
    expect(timings.map((t) => t.samples.length)).toEqual([ROUNDS, ROUNDS])
    expect(order.length).toBeGreaterThanOrEqual(2 * ROUNDS) // a prepare per warm-up and per sample, in every round
  }, 60_000)

  it('other children (numpy) take their turn in every round too, and one that gives nothing adds no contender', async () => {
    const { measureWorkload, ROUNDS } = await isolated()
    const order: Array<string> = []
    const ours = { name: 'ours', run: () => 1, prepare: async () => void order.push('ours') }
    const child = (round: { repetitions?: number }) => {
      order.push('child')
      return [{ name: 'child', seconds: 1, samples: Array.from({ length: round.repetitions ?? 0 }, (_, i) => order.length + i) }]
    }
    const timings = await measureWorkload([ours], { kind: 'matmul', n: 16 }, new Set(['ours']), quick, [child, () => []])
    expect(timings.map((t) => t.name)).toEqual(['ours', 'child'])
    expect(timings.map((t) => t.samples.length)).toEqual([ROUNDS, ROUNDS])
    // every round: ours (a prepare per warm-up and per sample), then the child
    const rounds = order.join(' ').split('child').slice(0, -1).map((r) => r.trim())
    expect(rounds).toHaveLength(ROUNDS)
    for (const r of rounds) expect(r).toMatch(/^ours( ours)+$/)
  }, 60_000)

  it('a child that fails is reported with what it printed', async () => {
    const { measureInChild } = await isolated()
    const bad = { workload: { kind: 'mlp', mlp: { name: 'bad', widths: [2, -1], batch: 4, lr: 1, targets: {}, gflops: false } }, contenders: ['tfjs-cpu'], options: quick } as const
    expect(() => measureInChild(bad)).toThrow(/^bench: the tfjs contenders failed \(exit 1\): [\s\S]+/)
  }, 60_000)
})
