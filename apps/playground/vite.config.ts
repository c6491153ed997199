import { defineConfig } from 'vite'

// A static build that works offline from any path: relative asset URLs, the worker bundled as an ES module.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', emptyOutDir: true },
  worker: { format: 'es' }
})
