#!/usr/bin/env node
// Serves the built page (dist/) on http://127.0.0.1:PORT (PORT from the environment, default 5173; the next free one
// when it is taken) and prints the address. Cross-origin isolated (COOP/COEP), as shared-memory workers will need.
// Exported for the browser tests: serve(dir, port) resolves to { url, close }.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml' }

export const serve = (dir, port = 0) =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
      const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path))
      if (!file.startsWith(dir + sep) && file !== dir) return res.writeHead(403).end()
      if (!existsSync(file) || !statSync(file).isFile()) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      res.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cache-control': 'no-cache'
      })
      createReadStream(file).pipe(res)
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address()
      resolve({ url: `http://127.0.0.1:${actual}/`, close: () => new Promise((done) => server.close(done)) })
    })
  })

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = join(fileURLToPath(new URL('..', import.meta.url)), 'dist')
  if (!existsSync(join(dist, 'index.html'))) {
    console.error('playground: no build in apps/playground/dist (run pnpm playground from the repository root)')
    process.exit(1)
  }
  const wanted = Number(process.env.PORT ?? 5173)
  const started = await serve(dist, wanted).catch(() => serve(dist, 0))
  console.log(`puregrad playground: ${started.url}  (Ctrl-C to stop)`)
}
