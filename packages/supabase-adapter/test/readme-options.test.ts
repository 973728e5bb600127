import { expect, it } from 'vitest'
import {
  compareOptionsTable,
  readOptionsTable,
  readParagraphAfterOptionsTable,
} from '../../../test-support/readme-options.js'
import { checkPgCronRunsOptionsSchema } from '../src/check-pg-cron-runs.js'
import { readJobHealthOptionsSchema } from '../src/read-job-health.js'

const readme = new URL('../README.md', import.meta.url)
// Options are parsed without a query: any object with a `query` function passes as a client.
const db = { query: async () => ({ rows: [] }) }

it('documents every readJobHealth option in the README, with the schema’s defaults', () => {
  const rows = readOptionsTable(readme, '## Every job at a glance: `readJobHealth`')
  expect(compareOptionsTable(rows, readJobHealthOptionsSchema, { db })).toEqual([])
})

const pgCronHeading = '## Monitoring a pg_cron job without touching its code'
// Core's delivery options, which the README leaves to core's table in the paragraph after its own.
const deliveryOptions = ['notifyTimeoutMs', 'storeTimeoutMs', 'alertTtlMs', 'retryDelayMs', 'logger', 'now']

it('documents every checkPgCronRuns option in the README, with the schema’s defaults', () => {
  const rows = readOptionsTable(readme, pgCronHeading)
  const minimal = { db, jobs: ['nightly-export'] }
  expect(compareOptionsTable(rows, checkPgCronRunsOptionsSchema, minimal, deliveryOptions)).toEqual([])
})

it('names each option left out of the checkPgCronRuns table in the paragraph after it', () => {
  const paragraph = readParagraphAfterOptionsTable(readme, pgCronHeading)
  expect(paragraph).toMatch(/mean, and default to, what they do for the wrapper/)
  for (const name of deliveryOptions) expect(paragraph).toContain(`\`${name}\``)
})

it('notices an option that is neither in the table nor named as documented elsewhere', () => {
  const rows = readOptionsTable(readme, pgCronHeading)
  const minimal = { db, jobs: ['nightly-export'] }
  const [, ...someDelivery] = deliveryOptions
  expect(compareOptionsTable(rows, checkPgCronRunsOptionsSchema, minimal, [...someDelivery, 'since'])).toEqual([
    'notifyTimeoutMs: in the schema, not in the README',
    'since: in the table and documented elsewhere',
  ])
})
