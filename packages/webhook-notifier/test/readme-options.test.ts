import { formatPagerDutyEvent } from '@cronwarden/webhook-notifier'
import { expect, it } from 'vitest'
import { compareOptionsTable, literalDefault, readOptionsTable } from '../../../test-support/readme-options.js'
import { failuresEvent } from '../../../test-support/sample-events.js'
import { optionsSchema } from '../src/options.js'

const readme = new URL('../README.md', import.meta.url)

it('documents every createWebhookNotifier option in the README, with the schema’s defaults', () => {
  const rows = readOptionsTable(readme, '## Options')
  // `source` is refused except with PagerDuty, so the schema fills in no default for it: the
  // PagerDuty event does, and the README's default is checked against that.
  const source = rows.find((row) => row.option === 'source')
  const trigger = formatPagerDutyEvent(failuresEvent, { routingKey: 'key' })
  expect('payload' in trigger && trigger.payload.source).toBe(literalDefault(source?.default ?? ''))
  const others = rows.map((row) => (row === source ? { ...row, default: 'none' } : row))
  expect(compareOptionsTable(others, optionsSchema, { url: 'https://example.org/hooks/alerts' })).toEqual([])
})
