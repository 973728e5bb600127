/**
 * Arguments written into a query's text as SQL literals, for postgres.js.
 *
 * Why: with `prepare: false` (what a transaction-mode pooler such as Supavisor needs),
 * postgres.js sends a query that has bind parameters in two round trips: Parse and Describe,
 * then, once the server has named the parameter types, Bind and Execute. A query without
 * parameters goes out in one (a simple-protocol Query). Every store call is a single function
 * call, so writing its arguments as literals halves the round trips of each begin and finish.
 *
 * Safety: values are quoted the way PostgreSQL's own quote_literal() and libpq's
 * PQescapeLiteral() do it: single quotes doubled, and when a backslash is present an E''
 * string with backslashes doubled, which reads the same whatever standard_conforming_strings
 * says. postgres.js always connects with client_encoding UTF8, where no multibyte character
 * contains a quote or a backslash byte. NUL cannot be sent at all and is refused, as the
 * server refuses it in a bind parameter.
 */

/** A value the adapter passes to its SQL functions; each placeholder in the text is cast. */
export type SqlValue = string | number | bigint | boolean | null | readonly (string | number | bigint | null)[]

/**
 * Replaces `$1`, `$2`... with the quoted values. Only for the adapter's own constant query
 * texts, which hold no `$` other than placeholders and cast each one (`$1::text`), so a
 * quoted literal means what a text-format bind parameter means.
 */
export function inlineParameters(text: string, params: readonly SqlValue[]): string {
  return text.replace(/\$(\d+)/g, (_placeholder, digits: string) => {
    const index = Number(digits) - 1
    if (index >= params.length) {
      throw new RangeError(`query placeholder $${digits} has no value: ${params.length} given`)
    }
    return sqlLiteral(params[index])
  })
}

/** One value as a quoted SQL literal (arrays as a quoted array literal), or `null`. */
export function sqlLiteral(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return quoteText(arrayLiteral(value))
  return quoteText(scalarText(value as Exclude<SqlValue, readonly unknown[] | null>))
}

function scalarText(value: string | number | bigint | boolean): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`expected a finite number as a SQL value, got ${value}`)
      return String(value)
    case 'bigint':
    case 'boolean':
      return String(value)
    default:
      throw new TypeError(`expected a string, number, bigint, boolean or null as a SQL value, got ${typeof value}`)
  }
}

/** PostgreSQL's array input syntax: every element double-quoted, `"` and `\` escaped. */
function arrayLiteral(values: readonly (string | number | bigint | null)[]): string {
  const elements = values.map((element) => {
    if (element === null) return 'NULL'
    if (Array.isArray(element)) throw new TypeError('expected a flat array as a SQL value, got a nested array')
    return `"${scalarText(element).replace(/["\\]/g, '\\$&')}"`
  })
  return `{${elements.join(',')}}`
}

function quoteText(text: string): string {
  if (text.includes('\u0000')) throw new TypeError('a SQL value cannot contain a NUL character (U+0000)')
  const quoted = text.replaceAll("'", "''")
  // The leading space keeps E'...' a separate token after any preceding character.
  return text.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`
}
