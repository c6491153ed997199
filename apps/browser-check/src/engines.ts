/**
 * `pnpm --filter @puregrad/browser-check engines [chromium,firefox,bun]`: runs the browser bundle (src/entry.ts) in
 * other JavaScript engines and checks that each gives Node's result bit for bit: Chromium (V8, headless, its DOM
 * dumped), Firefox (SpiderMonkey, headless, posting its result to a local server) and Bun (JavaScriptCore, the
 * bundle run as a module). Each engine comes from the machine: CHROMIUM, FIREFOX or BUN, else /usr/bin/chromium,
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
import { pathToFileURL } from 'node:url'
import { bundleForBrowser } from './bundle.js'
import { workload } from './workload.js'

type Engine = 'chromium' | 'firefox' | 'bun'
const ENGINES: ReadonlyArray<Engine> = ['chromium', 'firefox', 'bun']
const TIMEOUT_MS = 120_000

/** An inline module script: the page needs no server, and `</script` inside the bundle cannot end it early. */
const inlineModule = (code: string): string => `<script type="module">${code.replaceAll('</script', '<\\/script')}</script>`

/** The executable for an engine, or undefined where it is not installed. */
const executable = (engine: Engine): string | undefined => {
  const fromEnv = process.env[engine.toUpperCase()]
  if (fromEnv !== undefined) return existsSync(fromEnv) ? fromEnv : undefined
  if (engine === 'chromium') return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
  if (engine === 'firefox') return existsSync('/usr/bin/firefox-esr') ? '/usr/bin/firefox-esr' : undefined
  return spawnSync('bun', ['--version'], { encoding: 'utf8' }).status === 0 ? 'bun' : undefined
}

/** Chromium: the page writes its result into its title; --dump-dom prints the page once it has run. */
const inChromium = (binary: string, code: string, dir: string): unknown => {
  const page = join(dir, 'chromium.html')
  writeFileSync(page, `<!DOCTYPE html><meta charset="utf-8"><title>pending</title>${inlineModule(code)}`)
  const dom = execFileSync(binary, ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--dump-dom', pathToFileURL(page).href], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: TIMEOUT_MS
  })
  const title = /<title>([\s\S]*?)<\/title>/.exec(dom)?.[1]
  return title === undefined || title === 'pending' ? undefined : JSON.parse(title.replaceAll('&quot;', '"').replaceAll('&amp;', '&'))
}

/**
 * Firefox has no --dump-dom: the page is served from 127.0.0.1 and posts its result (or its error) back, and Firefox
 * is stopped as soon as it has. A fresh profile in the temporary directory keeps the user's own out of it.
 */
const inFirefox = (binary: string, code: string, dir: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const report = `<script type="module">
      const send = (body) => fetch('/result', { method: 'POST', body })
      try { await import('/bundle.js'); await send(JSON.stringify(globalThis.puregradResult)) }
      catch (error) { await send(JSON.stringify({ error: String(error) })) }
    </script>`
    const server = createServer((request, response) => {
      if (request.method === 'POST' && request.url === '/result') {
        let body = ''
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
        request.on('end', () => {
          response.end()
          finish(() => resolve(JSON.parse(body) as unknown))
        })
        return
      }
      const [type, text] = request.url === '/bundle.js' ? ['text/javascript', code] : ['text/html', `<!DOCTYPE html><meta charset="utf-8">${report}`]
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8` })
      response.end(text)
    })
    let firefox: ReturnType<typeof spawn> | undefined
    const timer = setTimeout(() => finish(() => reject(new Error(`no result from Firefox within ${TIMEOUT_MS / 1000} s`))), TIMEOUT_MS)
    const finish = (settle: () => void): void => {
      clearTimeout(timer)
      firefox?.kill('SIGKILL')
      server.close()
      settle()
    }
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      const profile = mkdtempSync(join(dir, 'firefox-profile-')) // Firefox wants the directory to exist
      firefox = spawn(binary, ['--headless', '--no-remote', '--profile', profile, `http://127.0.0.1:${port}/`], { stdio: 'ignore' })
      firefox.on('error', (error) => finish(() => reject(error)))
    })
  })

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
  for (const { engine, binary } of found) {
    let result: unknown
    try {
      result = engine === 'chromium' ? inChromium(binary, code, dir) : engine === 'firefox' ? await inFirefox(binary, code, dir) : inBun(binary, code, dir)
    } catch (error) {
      result = { error: error instanceof Error ? error.message : String(error) }
    }
    const same = JSON.stringify(result) === inNode
    allSame &&= same
    console.log(`${versionOf(engine, binary)}: ${JSON.stringify(result)} ${same ? '(same bits)' : '(DIFFERS)'}`)
  }
  console.log(allSame ? `browser-check: the same bits in Node and ${found.map((f) => f.engine).join(', ')}` : 'browser-check: an engine differs from Node (or did not run the page)')
  process.exitCode = allSame ? 0 : 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
