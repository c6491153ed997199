/**
 * Pictures on canvases: an output map over the plane (blue for 0, white for ½, orange for 1) with the points, and the
 * network as columns of units, each drawn as its own map, joined by lines whose width is a weight's size and whose
 * colour is its sign.
 */
import type { Points } from './datasets.js'
import type { Snapshot } from './protocol.js'

/** A value in [0, 1] (a sigmoid's output; tanh and others are mapped from [−1, 1] by the caller) as RGB. */
const rgb = (v: number): readonly [number, number, number] => {
  const t = Math.min(1, Math.max(0, v))
  const mix = (a: number, b: number, s: number) => Math.round(a + (b - a) * s)
  return t < 0.5 ? [mix(38, 255, t * 2), mix(110, 255, t * 2), mix(200, 255, t * 2)] : [mix(255, 240, (t - 0.5) * 2), mix(255, 135, (t - 0.5) * 2), mix(255, 30, (t - 0.5) * 2)]
}

const CLASS_COLOURS = ['#1f5fbf', '#e0761a'] as const

/** The colour ramp as 1,024 RGBA pixels (one 32-bit word each, in the platform's byte order), built once. */
const LEVELS = 1024
const RAMP: Uint32Array = (() => {
  const bytes = new Uint8ClampedArray(4 * LEVELS)
  for (let i = 0; i < LEVELS; i++) bytes.set([...rgb(i / (LEVELS - 1)), 255], 4 * i)
  return new Uint32Array(bytes.buffer)
})()

/** One scratch canvas and image per map size: a frame draws many maps and allocates none. */
const scratch = new Map<number, { readonly canvas: OffscreenCanvas; readonly ctx: OffscreenCanvasRenderingContext2D; readonly image: ImageData; readonly pixels: Uint32Array }>()

/** A cells × cells map drawn into the rectangle (x, y, size, size), values scaled by `scale` into [0, 1]. */
const drawMap = (ctx: CanvasRenderingContext2D, values: Float32Array, cells: number, x: number, y: number, size: number, scale: (v: number) => number) => {
  let s = scratch.get(cells)
  if (s === undefined) {
    const canvas = new OffscreenCanvas(cells, cells)
    const c = canvas.getContext('2d')!
    const image = c.createImageData(cells, cells)
    scratch.set(cells, (s = { canvas, ctx: c, image, pixels: new Uint32Array(image.data.buffer) }))
  }
  for (let k = 0; k < values.length; k++) {
    const t = scale(values[k]!)
    s.pixels[k] = RAMP[t <= 0 ? 0 : t >= 1 ? LEVELS - 1 : Math.round(t * (LEVELS - 1))]!
  }
  s.ctx.putImageData(s.image, 0, 0)
  ctx.imageSmoothingEnabled = true
  ctx.drawImage(s.canvas, x, y, size, size)
}

/** The output map behind the points: training points filled, test points as rings. */
export const drawBoundary = (canvas: HTMLCanvasElement, output: Float32Array, cells: number, train: Points, test: Points, showTest: boolean) => {
  const ctx = canvas.getContext('2d')!
  const size = canvas.width
  drawMap(ctx, output, cells, 0, 0, size, (v) => v)
  const at = (p: readonly [number, number]) => [((p[0] + 1) / 2) * size, ((1 - p[1]) / 2) * size] as const
  const dot = (p: readonly [number, number], label: number, filled: boolean) => {
    const [x, y] = at(p)
    ctx.beginPath()
    ctx.arc(x, y, filled ? 3.2 : 3.6, 0, 2 * Math.PI)
    if (filled) {
      ctx.fillStyle = CLASS_COLOURS[label]!
      ctx.fill()
      ctx.strokeStyle = '#fff'
      ctx.lineWidth = 0.8
      ctx.stroke()
    } else {
      ctx.strokeStyle = CLASS_COLOURS[label]!
      ctx.lineWidth = 1.6
      ctx.stroke()
    }
  }
  train.x.forEach((p, i) => dot(p, train.labels[i]!, true))
  if (showTest) test.x.forEach((p, i) => dot(p, test.labels[i]!, false))
}

/**
 * The network: a column per layer (the two inputs, each hidden layer, the output), each unit drawn as its map over the
 * plane, with a line for every weight (width ∝ |w| / max |w|, orange for +, blue for −).
 */
export const drawNetwork = (canvas: HTMLCanvasElement, s: Snapshot, inputs: ReadonlyArray<Float32Array>, cells: number, activation: string) => {
  const ctx = canvas.getContext('2d')!
  ctx.clearRect(0, 0, canvas.width, canvas.height)
  const layers = [inputs, ...s.maps]
  const unit = Math.min(36, (canvas.height - 20) / Math.max(...layers.map((l) => l.length)) - 4)
  const column = (canvas.width - unit - 20) / Math.max(1, layers.length - 1)
  const pos = (l: number, u: number) => {
    const n = layers[l]!.length
    const top = (canvas.height - n * (unit + 4)) / 2
    return [10 + l * column, top + u * (unit + 4)] as const
  }
  const max = Math.max(1e-9, ...s.weights.flatMap((w) => w.W.flat().map(Math.abs)))
  s.weights.forEach((w, l) => {
    w.W.forEach((row, o) => {
      row.forEach((v, i) => {
        const [x0, y0] = pos(l, i), [x1, y1] = pos(l + 1, o)
        ctx.beginPath()
        ctx.moveTo(x0 + unit, y0 + unit / 2)
        ctx.lineTo(x1, y1 + unit / 2)
        ctx.strokeStyle = v >= 0 ? 'rgba(224,118,26,0.75)' : 'rgba(31,95,191,0.75)'
        ctx.lineWidth = 0.3 + 4 * (Math.abs(v) / max)
        ctx.stroke()
      })
    })
  })
  // Hidden units of tanh-like activations range over [−1, 1]; sigmoids and the inputs' coordinates are mapped to [0, 1].
  const symmetric = activation === 'tanh'
  layers.forEach((maps, l) => {
    const last = l === layers.length - 1
    maps.forEach((m, u) => {
      const [x, y] = pos(l, u)
      const scale = l === 0 || (symmetric && !last) ? (v: number) => (v + 1) / 2 : last || activation === 'sigmoid' ? (v: number) => v : (v: number) => Math.tanh(v)
      drawMap(ctx, m, cells, x, y, unit, scale)
      ctx.strokeStyle = '#555'
      ctx.lineWidth = 1
      ctx.strokeRect(x, y, unit, unit)
    })
  })
}
