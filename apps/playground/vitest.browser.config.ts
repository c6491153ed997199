import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// `pnpm test:browser`: the page's end-to-end tests in headless Chromium (e2e/), after `turbo run build` built it.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  ssr: { resolve: { conditions: ['@puregrad/source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['apps/playground/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false
  }
})
