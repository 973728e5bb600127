import { defineProject } from 'vitest/config'
import { workspaceAliases } from '../../vitest.shared.js'

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The bin is bundled once, as a user's install would run it, before any test starts it.
    globalSetup: ['test/support/build-bin.ts'],
    // Most tests start the bin as a process, several in a row: half a second each alone,
    // several seconds each while the whole suite loads the machine.
    testTimeout: 30_000,
  },
})
