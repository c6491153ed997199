/**
 * For the apps' tests: runs a built CLI as a user runs it, a spawned `node dist/main.js` (pnpm test builds first).
 */
import { spawnSync } from 'node:child_process'
import type { StdioOptions } from 'node:child_process'

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A runner for the script at `cli`: (args, extra environment, stdio) ↦ exit code and output; 120 s at most. */
export const cliRunner =
  (cli: string) =>
  (args: ReadonlyArray<string>, env: Record<string, string> = {}, stdio?: StdioOptions): Ran => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 120_000,
      ...(stdio === undefined ? {} : { stdio })
    })
    return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
  }
