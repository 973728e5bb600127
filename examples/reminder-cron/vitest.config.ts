import { defineProject } from 'vitest/config'
import { workspaceAliases } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-reminder-cron',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'supabase/functions/_shared/**/*.test.ts'],
    // PGlite takes seconds to start and the real-server tests create a database each.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
