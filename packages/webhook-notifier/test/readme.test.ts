import { readFileSync } from 'node:fs'
import { formatDiscordMessage, formatPagerDutyEvent, formatTeamsMessage } from '@cronwarden/webhook-notifier'
import { expect, it } from 'vitest'
import { failuresEvent, recoveredEvent, stillFailingEvent } from '../../../test-support/sample-events.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const routingKey = 'YOUR_32_CHARACTER_INTEGRATION_KEY'

/** The JSON block after `<!-- example: name -->`. */
function example(name: string): unknown {
  const block = new RegExp(`<!-- example: ${name} -->\\n\\n(\`{3,4})json\\n([\\s\\S]*?)\\n\\1\\n`).exec(readme)
  expect(block, name).not.toBeNull()
  return JSON.parse(block?.[2] ?? '')
}

it.each([
  ['json', () => failuresEvent],
  ['discord', () => formatDiscordMessage(failuresEvent)],
  ['teams', () => formatTeamsMessage(failuresEvent)],
  ['pagerduty', () => formatPagerDutyEvent(failuresEvent, { routingKey })],
  ['pagerduty still failing', () => formatPagerDutyEvent(stillFailingEvent, { routingKey })],
  ['pagerduty resolve', () => formatPagerDutyEvent(recoveredEvent, { routingKey })],
])('shows in the README the exact %s payload', (name, payload) => {
  expect(example(name)).toEqual(payload())
})
