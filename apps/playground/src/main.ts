/**
 * The page: controls bound to a configuration that lives in the URL, a training worker, and pictures redrawn at
 * display rate from the worker's snapshots (one request per animation frame, never more than one outstanding).
 */
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import './style.css'
import type { Config } from './config.js'
import { MAX_LAYERS, MAX_WIDTH, fromQuery, hiddenActivations, initNames, optimizerNames, toQuery } from './config.js'
import { datasetLabels, datasetNames, makeData } from './datasets.js'
import type { PlaneData } from './datasets.js'
import { drawBoundary, drawNetwork } from './draw.js'
import type { FromWorker, Snapshot, ToWorker } from './protocol.js'

const CELLS = 48

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
const send = (m: ToWorker) => worker.postMessage(m)

const initial = fromQuery(location.search)
let config: Config = initial.config
let data: PlaneData = makeData(config)
let running = false
let pending = false
let last: Snapshot | undefined
let lossHistory: { steps: Array<number>; train: Array<number>; test: Array<number> } = { steps: [], train: [], test: [] }

const message = (text: string, kind: 'error' | 'info' = 'error') => {
  const el = $('message')
  el.textContent = text
  el.className = kind
}

// -------------------------------------------------------------------------------------
// controls
// -------------------------------------------------------------------------------------

const fill = (id: string, options: ReadonlyArray<string>, label: (o: string) => string = (o) => o) => {
  $<HTMLSelectElement>(id).replaceChildren(...options.map((o) => new Option(label(o), o)))
}
fill('dataset', datasetNames, (d) => datasetLabels[d as keyof typeof datasetLabels])
fill('activation', hiddenActivations)
fill('init', initNames)
fill('optimizer', optimizerNames)

const numberFields = ['points', 'noise', 'trainRatio', 'seed', 'lr', 'batch', 'weightDecay', 'until'] as const
const selectFields = ['dataset', 'activation', 'init', 'optimizer'] as const

/** The controls show `config`; the hidden layers as one row of − width + per layer. */
const showConfig = () => {
  for (const f of numberFields) $<HTMLInputElement>(f).value = String(config[f])
  for (const f of selectFields) $<HTMLSelectElement>(f).value = config[f]
  $('layers').replaceChildren(
    ...config.hidden.map((w, l) => {
      const row = document.createElement('div')
      row.className = 'layer'
      const minus = button('−', `fewer units in hidden layer ${l + 1}`, () => setHidden(config.hidden.map((v, k) => (k === l ? Math.max(1, v - 1) : v))))
      const plus = button('+', `more units in hidden layer ${l + 1}`, () => setHidden(config.hidden.map((v, k) => (k === l ? Math.min(MAX_WIDTH, v + 1) : v))))
      const remove = button('remove', `remove hidden layer ${l + 1}`, () => setHidden(config.hidden.filter((_, k) => k !== l)))
      const text = document.createElement('span')
      text.textContent = `layer ${l + 1}: ${w} units`
      row.append(text, minus, plus, remove)
      return row
    })
  )
  $<HTMLButtonElement>('add-layer').disabled = config.hidden.length >= MAX_LAYERS
}

const button = (text: string, label: string, onClick: () => void) => {
  const b = document.createElement('button')
  b.type = 'button'
  b.textContent = text
  b.setAttribute('aria-label', label)
  b.addEventListener('click', onClick)
  return b
}

const setHidden = (hidden: ReadonlyArray<number>) => apply({ ...config, hidden })

/** A new configuration: into the URL, to the worker (a fresh session from its seed), and onto the pictures. */
const apply = (next: Config) => {
  config = next
  history.replaceState(null, '', `?${toQuery(config)}`)
  data = makeData(config)
  running = false
  lossHistory = { steps: [], train: [], test: [] }
  send({ type: 'configure', config })
  showConfig()
  showRunning()
  request()
}

const readNumber = (f: (typeof numberFields)[number]): number | undefined => {
  const el = $<HTMLInputElement>(f)
  const v = el.valueAsNumber
  const min = Number(el.min), max = el.max === '' ? Infinity : Number(el.max)
  const integer = el.step === '1'
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    message(`${el.labels?.[0]?.textContent?.trim() ?? f}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max === Infinity ? '∞' : max}]`)
    el.value = String(config[f])
    return undefined
  }
  return v
}

for (const f of numberFields) {
  $<HTMLInputElement>(f).addEventListener('change', () => {
    const v = readNumber(f)
    if (v !== undefined) apply({ ...config, [f]: v })
  })
}
for (const f of selectFields) $<HTMLSelectElement>(f).addEventListener('change', (e) => apply({ ...config, [f]: (e.target as HTMLSelectElement).value }))
$('add-layer').addEventListener('click', () => setHidden([...config.hidden, 4]))

const showRunning = () => {
  $('play').textContent = running ? 'Pause' : 'Play'
  $('play').setAttribute('aria-pressed', String(running))
}
const toggle = () => {
  running = !running
  send({ type: running ? 'play' : 'pause' })
  showRunning()
  request()
}
$('play').addEventListener('click', toggle)
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement
  if (e.key === ' ' && !['INPUT', 'SELECT', 'BUTTON', 'TEXTAREA'].includes(target.tagName)) {
    e.preventDefault()
    toggle()
  }
})
$('step').addEventListener('click', () => {
  send({ type: 'step' })
  request()
})
$('reset').addEventListener('click', () => {
  running = false
  lossHistory = { steps: [], train: [], test: [] }
  send({ type: 'reset' })
  showRunning()
  request()
})
$('download').addEventListener('click', () => send({ type: 'download' }))
$<HTMLInputElement>('upload').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement
  const file = input.files?.[0]
  input.value = ''
  if (file === undefined) return
  if (file.size > 8 * 1024 * 1024) return message(`${file.name}: larger than 8 MiB, not a playground model`)
  send({ type: 'load', text: await file.text(), config })
})
$('copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href)
    message('The link to this run is on the clipboard.', 'info')
  } catch {
    message(`Copy this link: ${location.href}`, 'info')
  }
})

// -------------------------------------------------------------------------------------
// pictures
// -------------------------------------------------------------------------------------

const chart = new uPlot(
  {
    width: 320,
    height: 220,
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max, 0.1)] } },
    axes: [{ label: 'step' }, {}],
    series: [{ label: 'step' }, { label: 'train', stroke: '#1f5fbf', width: 1.5 }, { label: 'test', stroke: '#e0761a', width: 1.5 }],
    legend: { show: true }
  },
  [[], [], []],
  $('loss-chart')
)

const inputMaps = (() => {
  const xs = new Float32Array(CELLS * CELLS), ys = new Float32Array(CELLS * CELLS)
  for (let k = 0; k < CELLS * CELLS; k++) {
    xs[k] = -1 + (2 * ((k % CELLS) + 0.5)) / CELLS
    ys[k] = 1 - (2 * (Math.floor(k / CELLS) + 0.5)) / CELLS
  }
  return [xs, ys]
})()

const MAX_POINTS = 1500

const record = (s: Snapshot) => {
  const h = lossHistory
  if (h.steps.length > 0 && s.step <= h.steps[h.steps.length - 1]!) {
    if (s.step < h.steps[h.steps.length - 1]!) lossHistory = { steps: [], train: [], test: [] }
    else return
  }
  lossHistory.steps.push(s.step)
  lossHistory.train.push(s.evaluation.trainLoss)
  lossHistory.test.push(s.evaluation.testLoss)
  if (lossHistory.steps.length > MAX_POINTS) {
    // Keep every other point: the curve's shape stays, its cost does not grow with the run.
    lossHistory = { steps: lossHistory.steps.filter((_, i) => i % 2 === 0), train: lossHistory.train.filter((_, i) => i % 2 === 0), test: lossHistory.test.filter((_, i) => i % 2 === 0) }
  }
  chart.setData([lossHistory.steps, lossHistory.train, lossHistory.test])
}

let lastFrame = 0
let frameMs = 0
/** The main thread's time per redraw (an average): what a frame costs the page while the worker trains. */
let drawMs = 0

const draw = (s: Snapshot) => {
  const started = performance.now()
  const figures = $('figures')
  figures.dataset['step'] = String(s.step)
  figures.dataset['trainLoss'] = String(s.evaluation.trainLoss)
  figures.dataset['testLoss'] = String(s.evaluation.testLoss)
  figures.dataset['testAccuracy'] = String(s.evaluation.testAccuracy)
  figures.dataset['running'] = String(s.running)
  figures.dataset['stepsPerSecond'] = String(s.stepsPerSecond)
  figures.dataset['frameMs'] = String(frameMs)
  figures.dataset['drawMs'] = String(drawMs)
  $('step-count').textContent = s.step.toLocaleString('en-US')
  $('rate').textContent = Math.round(s.stepsPerSecond).toLocaleString('en-US')
  $('test-accuracy').textContent = s.evaluation.testAccuracy.toFixed(3)
  $('train-loss').textContent = s.evaluation.trainLoss.toFixed(4)
  $('test-loss').textContent = s.evaluation.testLoss.toFixed(4)
  $('frame').textContent = frameMs > 0 ? `${frameMs.toFixed(1)} ms (drawing ${drawMs.toFixed(1)} ms)` : '–'
  const output = s.maps[s.maps.length - 1]![0]!
  drawBoundary($<HTMLCanvasElement>('boundary'), output, CELLS, data.train, data.test, config.dataset !== 'xor')
  drawNetwork($<HTMLCanvasElement>('network'), s, inputMaps, CELLS, config.activation)
  record(s)
  drawMs = drawMs === 0 ? performance.now() - started : 0.9 * drawMs + 0.1 * (performance.now() - started)
  if (s.diverged) message('Training diverged (a loss or a weight is no longer finite): lower the learning rate and reset.')
  if (running && !s.running) {
    running = false
    showRunning()
  }
}

/** Asks for a snapshot unless one is on its way. */
const request = () => {
  if (pending) return
  pending = true
  send({ type: 'snapshot', cells: CELLS })
}

const frame = (now: number) => {
  if (running) {
    if (lastFrame > 0) frameMs = 0.9 * frameMs + 0.1 * (now - lastFrame)
    lastFrame = now
    request()
  } else lastFrame = 0
  requestAnimationFrame(frame)
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data
  switch (m.type) {
    case 'snapshot':
      pending = false
      last = m
      draw(m)
      return
    case 'error':
      return message(m.message)
    case 'loaded':
      config = { ...config, hidden: m.hidden, activation: m.activation }
      history.replaceState(null, '', `?${toQuery(config)}`)
      lossHistory = { steps: [], train: [], test: [] }
      running = false
      showConfig()
      showRunning()
      message('Loaded the model: training continues from its weights.', 'info')
      return request()
    case 'model': {
      const a = document.createElement('a')
      a.href = URL.createObjectURL(new Blob([m.text], { type: 'application/json' }))
      a.download = `puregrad-playground-${config.dataset}-step-${last?.step ?? 0}.json`
      a.click()
      setTimeout(() => URL.revokeObjectURL(a.href), 1000)
      return
    }
  }
}
worker.onerror = (e) => message(`The training worker failed: ${e.message}`)

if (initial.problems.length > 0) message(`Some settings in the link were not valid: ${initial.problems.join('; ')}`)
showConfig()
send({ type: 'configure', config })
request()
requestAnimationFrame(frame)
