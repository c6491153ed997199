/** Runs the built CLI as a user runs it: a spawned `node dist/main.js` (pnpm test builds it first). */
import { spawnSync } from 'node:child_process'
import type { StdioOptions } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cli = join(appDir, 'dist', 'main.js')

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}, stdio?: StdioOptions): Ran => {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
    ...(stdio === undefined ? {} : { stdio })
  })
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}
