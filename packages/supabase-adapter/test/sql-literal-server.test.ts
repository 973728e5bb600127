// The literals the store writes for postgres.js, read back by the real server: any text, with
// standard_conforming_strings on and off, comes back exactly as it was sent.
import fc from 'fast-check'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable, serverUrl } from '../../../test-support/test-database.js'
import { inlineParameters } from '../src/sql-literal.js'

const available = await serverAvailable()

// Characters that matter to the quoting, mixed into any other text (NUL cannot be sent).
const tricky = fc.constantFrom("'", '\\', '"', '$', '$$', ';', '--', '/*', '\n', 'E', '{', '}', ',', 'NULL', ' ')
const text = fc
  .array(fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 20 })
  .map((parts) => parts.join(''))
  .filter((value) => !value.includes('\u0000'))

describe.skipIf(!available)('SQL literals read back by PostgreSQL', () => {
  let sql: postgres.Sql
  beforeAll(() => {
    sql = postgres(serverUrl, { prepare: false, max: 1, onnotice: () => {} })
  })
  afterAll(() => sql?.end())

  for (const conforming of ['on', 'off']) {
    it(`round-trips any text and text array with standard_conforming_strings = ${conforming}`, async () => {
      await sql.unsafe(`set standard_conforming_strings = ${conforming}`)
      await fc.assert(
        fc.asyncProperty(text, fc.array(fc.option(text), { maxLength: 4 }), async (value, list) => {
          // As JSON: postgres.js reads a NULL element of a text[] result as the string 'NULL'.
          const [row] = await sql.unsafe(
            inlineParameters('select $1::text as value, to_jsonb($2::text[]) as list', [value, list]),
          )
          expect(row).toEqual({ value, list })
        }),
        { numRuns: 300 },
      )
    })
  }
})
