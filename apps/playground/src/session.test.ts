import * as E from 'fp-ts/lib/Either.js'
import { decodeModel } from '@puregrad/mlp/Codec'
import { describe, expect, it } from 'vitest'
import type { Config } from './config.js'
import { defaults, fromQuery, toQuery } from './config.js'
import { datasetNames, makeData } from './datasets.js'
import { evaluate, gridInputs, modelFile, networkOf, start, stepper, unitMaps } from './session.js'

const trainFor = (config: Config, steps: number) => {
  const s0 = start(config)
  return stepper(s0)(s0, steps)
}

describe('data sets', () => {
  it.each(datasetNames.filter((d) => d !== 'xor'))('%s: the points asked for, both classes, split by the ratio, the same for a seed', (dataset) => {
    const d = makeData({ ...defaults, dataset })
    expect(d.train.x.length + d.test.x.length).toBe(500)
    expect(d.train.x.length).toBe(350)
    const ones = [...d.train.labels, ...d.test.labels].filter((l) => l === 1).length
    expect(ones).toBeGreaterThan(150)
    expect(ones).toBeLessThan(350)
    expect(makeData({ ...defaults, dataset })).toEqual(d)
    expect(makeData({ ...defaults, dataset, seed: 2 })).not.toEqual(d)
  })
  it('the notebook\'s XOR is its four points, for training and testing', () => {
    const d = makeData({ ...defaults, dataset: 'xor' })
    expect(d.train.labels).toEqual([0, 1, 1, 0])
    expect(d.test).toEqual(d.train)
  })
})

describe('the configuration in the URL', () => {
  it('round-trips every field', () => {
    const c: Config = { ...defaults, dataset: 'spirals', hidden: [3, 5, 2], activation: 'relu', lr: 0.005, batch: 25, weightDecay: 0.001, until: 400, seed: 7, noise: 0 }
    expect(fromQuery(toQuery(c))).toEqual({ config: c, problems: [] })
    expect(fromQuery(toQuery({ ...c, hidden: [] })).config.hidden).toEqual([])
  })
  it('a bad parameter takes its default and says so; unknown ones are ignored', () => {
    const { config, problems } = fromQuery('data=torus&hidden=4,99&lr=-1&seed=3&whatever=1')
    expect(config).toEqual({ ...defaults, seed: 3 })
    expect(problems).toEqual(['data="torus" is not valid; using circles', 'hidden="4,99" is not valid; using 8,8', 'lr="-1" is not valid; using 0.03'])
  })
})

describe('a session', () => {
  it('learns circles with the defaults: test accuracy ≥ 0.95 within 2,000 steps', () => {
    expect(evaluate(trainFor(defaults, 2000)).testAccuracy).toBeGreaterThanOrEqual(0.95)
  })
  it('is deterministic: the same configuration gives the same bits, stepped at once or in pieces', () => {
    const c = { ...defaults, dataset: 'moons' as const, weightDecay: 0.01 }
    const s0 = start(c)
    const advance = stepper(s0)
    const pieces = advance(advance(advance(s0, 7), 100), 93)
    expect(evaluate(pieces)).toEqual(evaluate(trainFor(c, 200)))
  })
  it('draws every unit over the grid, and its model file is one the demo reads back', () => {
    const s = trainFor({ ...defaults, hidden: [3, 2] }, 50)
    const maps = unitMaps(s, gridInputs(10))
    expect(maps.map((layer) => layer.length)).toEqual([3, 2, 1])
    expect(maps.every((layer) => layer.every((m) => m.length === 100))).toBe(true)
    const file = modelFile(s)
    if (E.isLeft(file)) throw new Error(file.left)
    const model = decodeModel(JSON.parse(JSON.stringify(file.right)))
    if (E.isLeft(model)) throw new Error(model.left.join('; '))
    expect(networkOf(model.right)).toEqual({ hidden: [3, 2], activation: 'tanh' })
  })
})
