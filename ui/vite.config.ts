import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/** The web UI, built to `dist/ui` in the package, which `cairn server` serves at `/`. */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: process.env.CAIRN_UI_OUT_DIR ?? fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': process.env.CAIRN_API ?? 'http://127.0.0.1:5000' },
  },
})
