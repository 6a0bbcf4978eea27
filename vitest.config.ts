import path from 'node:path'
import { defineConfig } from 'vitest/config'

const root = path.dirname(new URL(import.meta.url).pathname)

export default defineConfig({
  resolve: {
    alias: [
      { find: /^~\/(.*)$/, replacement: path.join(root, 'app/$1') },
      { find: /^@db\/(.*)$/, replacement: path.join(root, 'db/$1') },
      { find: /^@workers\/(.*)$/, replacement: path.join(root, 'workers/$1') },
      { find: /^@search\/(.*)$/, replacement: path.join(root, 'search/$1') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts', 'app/**/*.test.ts', 'db/**/*.test.ts', 'workers/**/*.test.ts', 'search/**/*.test.ts'],
    globalSetup: ['tests/setup/global.ts'],
    setupFiles: ['tests/setup/per-file.ts'],
    pool: 'forks',
    // Two cores: two files at a time keeps Postgres and Chromium from starving each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test' },
  },
})
