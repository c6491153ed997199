/**
 * `pnpm --filter @puregrad/browser-check engines [chromium,firefox,bun]`: runs the browser bundle (src/entry.ts) in
 * other JavaScript engines and checks that each gives Node's result bit for bit: Chromium (V8) and Firefox
 * (SpiderMonkey), headless, on a cross-origin-isolated page served from 127.0.0.1 that runs the bundle on its own
 * thread and again in a worker (whose products are shared between threads) and posts both results back, and Bun
 * (JavaScriptCore, the bundle run as a module, threads through its worker_threads). Each engine comes from the machine: CHROMIUM, FIREFOX or BUN, else /usr/bin/chromium,
 * /usr/bin/firefox-esr and `bun` on the PATH (Debian: `apt-get install chromium firefox-esr`; Bun:
 * `npm install -g bun@1.4.5`). Not part of `pnpm test`, whose machines may have none of them.
 *
 * Prints each engine's result beside Node's. Exit 0 when every engine found agrees with Node, 1 when one differs or
 * fails to run the page, 2 when none of the engines asked for is installed.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleForBrowser } from './bundle.js'
import { workload } from './workload.js'

type Engine = 'chromium' | 'firefox' | 'bun'
const ENGINES: ReadonlyArray<Engine> = ['chromium', 'firefox', 'bun']
const TIMEOUT_MS = 120_000

/** The executable for an engine, or undefined where it is not installed. */
const executable = (engine: Engine): string | undefined => {
  const fromEnv = process.env[engine.toUpperCase()]
  if (fromEnv !== undefined) return existsSync(fromEnv) ? fromEnv : undefined
  if (engine === 'chromium') return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
  if (engine === 'firefox') return existsSync('/usr/bin/firefox-esr') ? '/usr/bin/firefox-esr' : undefined
  return spawnSync('bun', ['--version'], { encoding: 'utf8' }).status === 0 ? 'bun' : undefined
}

/** What a browser reports: the bundle's result on the page's thread and in a worker, and the worker's thread count. */
interface BrowserReport {
  readonly page?: unknown
  readonly worker?: unknown
  readonly workerThreads?: number
  readonly isolated?: boolean
  readonly error?: string
}

/**
 * The page: runs the bundle on its own thread (where threads cannot block, so products run on one), then in a module
 * worker (where, the page being cross-origin isolated, they are shared between threads), and posts both back.
 */
const REPORT_PAGE = `<!DOCTYPE html><meta charset="utf-8"><script type="module">
  const send = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) })
  try {
    await import('/bundle.js')
    const page = globalThis.puregradResult
    const inWorker = await new Promise((resolve, reject) => {
      const worker = new Worker('/bundle.js', { type: 'module' })
      worker.onmessage = (event) => resolve(event.data)
      worker.onerror = (event) => reject(new Error(event.message || 'the worker failed'))
    })
    await send({ page, worker: inWorker.result, workerThreads: inWorker.threads, isolated: globalThis.crossOriginIsolated })
  } catch (error) {
    await send({ error: String(error) })
  }
</script>`

/**
 * Serves the page and the bundle from 127.0.0.1 with the headers that make a page cross-origin isolated (COOP and
 * COEP: shared memory, hence threads, in its workers), starts the browser on it and resolves with what the page posts
 * back; the browser is stopped as soon as it has.
 */
const inBrowser = (binary: string, args: (url: string) => ReadonlyArray<string>, code: string): Promise<BrowserReport> =>
  new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      if (request.method === 'POST' && request.url === '/result') {
        let body = ''
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
        request.on('end', () => {
          response.end()
          finish(() => resolve(JSON.parse(body) as BrowserReport))
        })
        return
      }
      const [type, text] = request.url === '/bundle.js' ? ['text/javascript', code] : ['text/html', REPORT_PAGE]
      response.writeHead(200, {
        'content-type': `${type}; charset=utf-8`,
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp'
      })
      response.end(text)
    })
    let browser: ReturnType<typeof spawn> | undefined
    const timer = setTimeout(() => finish(() => reject(new Error(`no result within ${TIMEOUT_MS / 1000} s`))), TIMEOUT_MS)
    const finish = (settle: () => void): void => {
      clearTimeout(timer)
      browser?.kill('SIGKILL')
      server.close()
      settle()
    }
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      browser = spawn(binary, args(`http://127.0.0.1:${port}/`), { stdio: 'ignore' })
      browser.on('error', (error) => finish(() => reject(error)))
    })
  })

const chromiumArgs = (dir: string) => (url: string) => ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${mkdtempSync(join(dir, 'chromium-'))}`, url]
// Firefox wants its profile directory to exist; a fresh one keeps the user's own out of it.
const firefoxArgs = (dir: string) => (url: string) => ['--headless', '--no-remote', '--profile', mkdtempSync(join(dir, 'firefox-')), url]

/** Bun: the bundle as a module file, followed by a line printing its result. */
const inBun = (binary: string, code: string, dir: string): unknown => {
  const file = join(dir, 'bun.mjs')
  writeFileSync(file, `${code}\nconsole.log(JSON.stringify(globalThis.puregradResult))\n`)
  const out = execFileSync(binary, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: TIMEOUT_MS })
  return JSON.parse(out.trim().split('\n').pop()!) as unknown
}

const versionOf = (engine: Engine, binary: string): string => {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' })
  return run.status === 0 ? run.stdout.trim().split('\n')[0]! : engine
}

const asked = process.argv[2]?.split(',') ?? ENGINES
const unknown = asked.filter((e) => !ENGINES.includes(e as Engine))
if (unknown.length > 0) {
  console.error(`browser-check: unknown engine ${unknown.join(', ')} (${ENGINES.join(', ')})`)
  process.exit(2)
}
const found = (asked as ReadonlyArray<Engine>).flatMap((engine) => {
  const binary = executable(engine)
  if (binary === undefined) console.log(`${engine}: not installed, skipped`)
  return binary === undefined ? [] : [{ engine, binary }]
})
if (found.length === 0) {
  console.error('browser-check: none of the engines asked for is installed (see the README)')
  process.exit(2)
}

const { code } = await bundleForBrowser()
const dir = mkdtempSync(join(tmpdir(), 'puregrad-engines-'))
try {
  const inNode = JSON.stringify(workload())
  console.log(`Node ${process.version}: ${inNode}`)
  let allSame = true
  const report = (label: string, result: unknown): void => {
    const same = JSON.stringify(result) === inNode
    allSame &&= same
    console.log(`${label}: ${JSON.stringify(result)} ${same ? '(same bits)' : '(DIFFERS)'}`)
  }
  for (const { engine, binary } of found) {
    const version = versionOf(engine, binary)
    try {
      if (engine === 'bun') {
        report(version, inBun(binary, code, dir))
        continue
      }
      const browser = await inBrowser(binary, engine === 'chromium' ? chromiumArgs(dir) : firefoxArgs(dir), code)
      if (browser.error !== undefined) throw new Error(browser.error)
      report(`${version}, page`, browser.page)
      report(`${version}, worker with ${browser.workerThreads} threads (cross-origin isolated: ${browser.isolated})`, browser.worker)
    } catch (error) {
      report(version, { error: error instanceof Error ? error.message : String(error) })
    }
  }
  console.log(allSame ? `browser-check: the same bits in Node and ${found.map((f) => f.engine).join(', ')}` : 'browser-check: an engine differs from Node (or did not run the page)')
  process.exitCode = allSame ? 0 : 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
