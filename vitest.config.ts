import { defineConfig } from 'vitest/config'

// One root run over every workspace package: about twice as fast on a cold clone as per-package runs.
// Workspace packages resolve to their TypeScript sources through the `@puregrad/source` export condition,
// so tests need no build (the xor-demo tests spawn the built CLI, which `pnpm test` builds first).
export default defineConfig({
  ssr: {
    resolve: {
      conditions: ['@puregrad/source', 'module', 'node', 'development|production']
    }
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    testTimeout: 60_000
  }
})
