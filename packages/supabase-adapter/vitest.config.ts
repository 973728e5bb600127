import { defineProject } from 'vitest/config'
import { workspaceAliases } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'supabase-adapter',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // PGlite takes seconds to start, and the lease tests wait for real leases to expire.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
