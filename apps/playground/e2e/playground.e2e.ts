/**
 * The playground in a real browser: Debian's Chromium (or $CHROMIUM) driven by playwright-core, the built page served
 * from dist/ by scripts/serve.mjs. Artifacts (a screenshot of a trained page, the measured speed) go to artifacts/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import type { Browser, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeModel } from '@puregrad/mlp/Codec'
import type { Config } from '../src/config.js'
import { defaults, toQuery } from '../src/config.js'
import { evaluate, start, stepper } from '../src/session.js'
// @ts-expect-error: a plain JavaScript module (the static server), without declarations
import { serve } from '../scripts/serve.mjs'

const app = fileURLToPath(new URL('..', import.meta.url))
const artifacts = join(app, 'artifacts')
const executablePath = process.env['CHROMIUM'] ?? '/usr/bin/chromium'

let browser: Browser
let server: { readonly url: string; readonly close: () => Promise<void> }

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`pnpm test:browser needs Chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM)`)
  if (!existsSync(join(app, 'dist', 'index.html'))) throw new Error('no build in apps/playground/dist: pnpm test:browser builds it first')
  mkdirSync(artifacts, { recursive: true })
  server = await serve(join(app, 'dist'), 0)
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface Opened {
  readonly page: Page
  /** Console errors and warnings, and uncaught page errors, so far. */
  readonly problems: Array<string>
}

const open = async (query: string, viewport = { width: 1200, height: 900 }): Promise<Opened> => {
  const page = await browser.newPage({ viewport, acceptDownloads: true })
  const problems: Array<string> = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  await page.goto(`${server.url}${query}`)
  await page.waitForFunction(() => document.getElementById('figures')?.dataset['trainLoss'] !== undefined, null, { polling: 50 })
  return { page, problems }
}

const figures = (page: Page) => page.evaluate(() => ({ ...document.getElementById('figures')!.dataset }) as Record<string, string>)

/** Presses Play and waits until the page has stopped at step `until` (the configuration's pause step). */
const runToEnd = async (page: Page, until: number) => {
  await page.click('#play')
  await page.waitForFunction((n) => document.getElementById('figures')!.dataset['step'] === String(n), until, { polling: 50, timeout: 90_000 })
}

const nodeLoss = (config: Config) => {
  const s0 = start(config)
  return evaluate(stepper(s0)(s0, config.until))
}

describe('the playground in Chromium', () => {
  it('loads with no console error, keyboard operable: Space plays and pauses', async () => {
    const { page, problems } = await open('')
    await expect.poll(() => page.locator('#dataset').inputValue()).toBe('circles')
    await page.keyboard.press('Space')
    await page.waitForFunction(() => Number(document.getElementById('figures')!.dataset['step']) > 0, null, { polling: 50 })
    await page.keyboard.press('Space')
    await expect.poll(() => page.locator('#play').textContent()).toBe('Play')
    await page.focus('#play')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step')
    expect(problems).toEqual([])
    await page.close()
  })

  it('learns circles with the defaults: test accuracy ≥ 0.95 shown on the page within 3,000 steps (screenshot kept)', async () => {
    const { page, problems } = await open(`?${toQuery({ ...defaults, until: 3000 })}`)
    await runToEnd(page, 3000)
    const f = await figures(page)
    expect(Number(f['testAccuracy'])).toBeGreaterThanOrEqual(0.95)
    expect(Number(await page.locator('#test-accuracy').textContent())).toBeGreaterThanOrEqual(0.95)
    await page.screenshot({ path: join(artifacts, 'trained.png'), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })

  it.each([
    ['the notebook\'s XOR (sigmoid, SGD at 1, full batch)', { ...defaults, dataset: 'xor', hidden: [2], activation: 'sigmoid', init: 'standardNormal', optimizer: 'sgd', lr: 1, batch: 4, until: 500 }],
    ['a noisy XOR cloud (relu, Adam, weight decay, mini-batches)', { ...defaults, dataset: 'xorCloud', hidden: [6, 3], activation: 'relu', weightDecay: 0.001, until: 700, seed: 9 }],
    ['the defaults on two spirals (tanh, Adam: tanh and Adam\'s powers are where engines differ)', { ...defaults, dataset: 'spirals', until: 1500 }],
    ['moons with momentum (tanh)', { ...defaults, dataset: 'moons', optimizer: 'momentum', lr: 0.05, until: 1000, seed: 3 }]
  ] as const)('%s: the loss after N steps is Node\'s, bit for bit', async (_, config) => {
    const { page } = await open(`?${toQuery(config as Config)}`)
    await runToEnd(page, config.until)
    const f = await figures(page)
    const expected = nodeLoss(config as Config)
    expect(Object.is(Number(f['trainLoss']), expected.trainLoss)).toBe(true)
    expect(Object.is(Number(f['testLoss']), expected.testLoss)).toBe(true)
    await page.close()
  })

  it('a copied URL reproduces the run; changing a control changes the URL', async () => {
    const config: Config = { ...defaults, dataset: 'moons', hidden: [4, 4], activation: 'relu', seed: 5, lr: 0.01, until: 400 }
    const first = await open(`?${toQuery(config)}`)
    await runToEnd(first.page, 400)
    const url = first.page.url()
    const loss = (await figures(first.page))['trainLoss']
    const second = await open(new URL(url).search)
    await runToEnd(second.page, 400)
    expect((await figures(second.page))['trainLoss']).toBe(loss)
    await second.page.selectOption('#dataset', 'spirals')
    expect(new URL(second.page.url()).searchParams.get('data')).toBe('spirals')
    await second.page.click('#add-layer')
    expect(new URL(second.page.url()).searchParams.get('hidden')).toBe('4,4,4')
    await first.page.close()
    await second.page.close()
  })

  it('downloads the model file the demo CLI reads; a corrupt upload shows its error and training still works; a good one loads', async () => {
    const { page, problems } = await open(`?${toQuery({ ...defaults, hidden: [3], until: 200 })}`)
    await runToEnd(page, 200)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')])
    const text = readFileSync((await download.path())!, 'utf8')
    const model = decodeModel(JSON.parse(text))
    expect(E.isRight(model) && model.right.params.length).toBe(2)
    await page.setInputFiles('#upload', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"puregrad/mlp","version":1,"spec":') })
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/^the model file is not JSON/)
    await page.setInputFiles('#upload', { name: 'xor.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'puregrad/mlp', version: 1, spec: { widths: [3, 1], activations: ['sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }, layers: [{ W: [[1, 1, 1]], b: [0] }] })) })
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/2 inputs and 1 output; this model has widths \[3, 1\]/)
    const before = Number((await figures(page))['step'])
    await page.click('#step')
    await expect.poll(async () => Number((await figures(page))['step'])).toBe(before + 1)
    await page.setInputFiles('#upload', { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(text) })
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/^Loaded the model/)
    await expect.poll(async () => (await figures(page))['step']).toBe('0')
    expect(problems).toEqual([])
    await page.close()
  })

  it('is readable on a phone-sized screen: nothing wider than the viewport', async () => {
    const { page } = await open('', { width: 390, height: 844 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.close()
  })

  it('measures its speed: steps per second for [2, 8, 8, 1] on 500 points, and the frame time while training', async () => {
    const { page } = await open(`?${toQuery({ ...defaults, until: 0 })}`)
    await page.click('#play')
    await page.waitForTimeout(4000)
    const f = await figures(page)
    await page.click('#play')
    const speed = {
      stepsPerSecond: Math.round(Number(f['stepsPerSecond'])),
      frameMs: Number(Number(f['frameMs']).toFixed(1)),
      drawMs: Number(Number(f['drawMs']).toFixed(2)),
      step: Number(f['step'])
    }
    writeFileSync(join(artifacts, 'speed.json'), JSON.stringify(speed, null, 2) + '\n')
    console.log(`playground speed: ${JSON.stringify(speed)}`)
    expect(speed.stepsPerSecond).toBeGreaterThan(0)
    await page.close()
  })
})
