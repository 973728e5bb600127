import { expect, it } from 'vitest'
import { compareOptionsTable, readOptionsTable } from '../../../test-support/readme-options.js'
import { createMemoryStore } from '../src/memory-store.js'
import { withFailureAlertingOptionsSchema } from '../src/options.js'

const readme = new URL('../README.md', import.meta.url)

it('documents every withFailureAlerting option in the README, with the schema’s defaults', () => {
  const rows = readOptionsTable(readme, '## Options')
  const minimal = { jobName: 'nightly-export', store: createMemoryStore() }
  expect(compareOptionsTable(rows, withFailureAlertingOptionsSchema, minimal)).toEqual([])
})

it('notices a README table that drifted from the schema', () => {
  const rows = readOptionsTable(readme, '## Options')
    .filter((row) => row.option !== 'host')
    .map((row) => (row.option === 'failureThreshold' ? { ...row, default: '`3`' } : row))
  const minimal = { jobName: 'nightly-export', store: createMemoryStore() }
  expect(compareOptionsTable(rows, withFailureAlertingOptionsSchema, minimal)).toEqual([
    'host: in the schema, not in the README',
    'failureThreshold: README default `3`, schema default 2',
  ])
})
