import { expect, it } from 'vitest'
import { compareOptionsTable, readOptionsTable } from '../../../test-support/readme-options.js'
import { slackNotifierOptionsSchema } from '../src/slack-notifier.js'

const readme = new URL('../README.md', import.meta.url)

it('documents every createSlackNotifier option in the README, with the schema’s defaults', () => {
  const rows = readOptionsTable(readme, '## Options')
  const minimal = { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' }
  expect(compareOptionsTable(rows, slackNotifierOptionsSchema, minimal)).toEqual([])
})
