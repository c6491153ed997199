/**
 * `pnpm --filter @puregrad/browser-check chromium`: runs the browser bundle in headless Chromium and checks that it
 * gives the same result as Node, bit for bit, with the WebAssembly kernel loaded. Needs a Chromium binary (Debian:
 * `apt-get install chromium`; another path through CHROMIUM=...); it is not part of `pnpm test`, whose machines may
 * have no browser. Exit 0 when the results agree, 1 when they differ or the page failed, 2 without a browser.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundleForBrowser } from './bundle.js'
import { workload } from './workload.js'

const browser = process.env['CHROMIUM'] ?? '/usr/bin/chromium'
if (!existsSync(browser)) {
  console.error(`browser-check: no Chromium at ${browser} (install it, or set CHROMIUM=/path/to/chromium)`)
  process.exit(2)
}

const { code } = await bundleForBrowser()
const dir = mkdtempSync(join(tmpdir(), 'puregrad-browser-'))
try {
  // Inline, so the page needs no server: a module script from file:// would be refused as cross-origin.
  const page = join(dir, 'index.html')
  writeFileSync(page, `<!DOCTYPE html><meta charset="utf-8"><title>pending</title><script type="module">${code.replaceAll('</script', '<\\/script')}</script>`)
  const dom = execFileSync(browser, ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--dump-dom', pathToFileURL(page).href], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000
  })
  const title = /<title>([\s\S]*?)<\/title>/.exec(dom)?.[1]
  const inBrowser: unknown = title === undefined || title === 'pending' ? undefined : JSON.parse(title.replaceAll('&quot;', '"').replaceAll('&amp;', '&'))
  const inNode = workload()
  console.log(`Chromium: ${JSON.stringify(inBrowser)}`)
  console.log(`Node:     ${JSON.stringify(inNode)}`)
  const same = JSON.stringify(inBrowser) === JSON.stringify(inNode)
  console.log(same ? 'browser-check: the same bits in Chromium and in Node' : 'browser-check: Chromium and Node differ (or the page did not run)')
  process.exitCode = same ? 0 : 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
