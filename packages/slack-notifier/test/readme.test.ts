import { readFileSync } from 'node:fs'
import { formatSlackMessage } from '@cronwarden/slack-notifier'
import { expect, it } from 'vitest'
import { failuresEvent } from '../../../test-support/sample-events.js'

it('shows in the README the exact payload formatSlackMessage produces', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const json = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1]
  expect(json).toBeDefined()
  expect(JSON.parse(json ?? '')).toEqual(formatSlackMessage(failuresEvent))
})
