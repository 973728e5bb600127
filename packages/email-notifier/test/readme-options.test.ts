import { expect, it } from 'vitest'
import { compareOptionsTable, readOptionsTable } from '../../../test-support/readme-options.js'
import { emailNotifierOptionsSchema } from '../src/options.js'

const readme = new URL('../README.md', import.meta.url)

it('documents every createEmailNotifier option in the README, with the schema’s defaults', () => {
  const rows = readOptionsTable(readme, '## Options')
  const minimal = { transport: 'smtp://127.0.0.1:2525', from: 'alerts@example.org', to: 'ops@example.org' }
  expect(compareOptionsTable(rows, emailNotifierOptionsSchema, minimal)).toEqual([])
})
