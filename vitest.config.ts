import { defineConfig } from 'vitest/config'

// CI asks for a JSON report too, to print a plain "N passed, N failed" line of its own.
const jsonReport = process.env.CRONWARDEN_TEST_REPORT

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
})
