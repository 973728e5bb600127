import { readFileSync } from 'node:fs'

/** One row of a README options table: the option's name and its default column, as written. */
export interface OptionRow {
  option: string
  default: string
}

/**
 * The rows of the first markdown table after `heading` (a line of the README, exactly) whose
 * header starts with `| option`. Option names and defaults are read from backticks where
 * they have them, so `| \`retryDelayMs\` | \`30_000\` |` gives `retryDelayMs` and `30_000`.
 * The default is the column headed `default` (the second when none is), and a row naming
 * several options (`| \`cc\`, \`bcc\` | none |`) gives a row for each.
 */
export function readOptionsTable(readmeUrl: URL, heading: string): OptionRow[] {
  const { lines, header } = findOptionsTable(readmeUrl, heading)
  const columns = cells(lines[header] ?? '')
  const defaultColumn = columns.includes('default') ? columns.indexOf('default') : 1
  const rows: OptionRow[] = []
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const row = cells(line)
    for (const option of (row[0] ?? '').split(/,\s*/))
      rows.push({ option: unquote(option), default: row[defaultColumn] ?? '' })
  }
  return rows
}

/**
 * The paragraph right after that table, as one line: where a README says in prose which
 * options mean what they mean elsewhere, e.g. "`notifyTimeoutMs`, ... mean what they do for
 * the wrapper".
 */
export function readParagraphAfterOptionsTable(readmeUrl: URL, heading: string): string {
  const { lines, header } = findOptionsTable(readmeUrl, heading)
  const after = lines.slice(header).findIndex((line) => !line.startsWith('|')) + header
  const start = lines.findIndex((line, index) => index >= after && line.trim() !== '')
  if (start === -1) return ''
  const end = lines.findIndex((line, index) => index > start && line.trim() === '')
  return lines
    .slice(start, end === -1 ? undefined : end)
    .map((line) => line.trim())
    .join(' ')
}

function findOptionsTable(readmeUrl: URL, heading: string): { lines: string[]; header: number } {
  const lines = readFileSync(readmeUrl, 'utf8').split('\n')
  const start = lines.indexOf(heading)
  if (start === -1) throw new Error(`README has no heading ${JSON.stringify(heading)}`)
  const header = lines.findIndex((line, index) => index > start && /^\|\s*option\s*\|/.test(line))
  if (header === -1) throw new Error(`no options table after ${JSON.stringify(heading)}`)
  return { lines, header }
}

// A `|` escaped as `\|` (in a type such as `string \| () => string`) does not end a cell.
const cells = (line: string) =>
  line
    .split(/(?<!\\)\|/)
    .slice(1)
    .map((cell) => cell.trim())

const unquote = (cell: string) => /^`([^`]+)`$/.exec(cell)?.[1] ?? cell

/**
 * A default cell as a value, when it is a literal: `` `2` ``, `` `30_000` `` (a gloss after
 * it, like "(30 min)", is ignored), `` `[]` ``, `` `true` ``, `` `null` ``, `` `'UTC'` ``.
 * `undefined` for prose ("required", "none", "JSON lines on stdout/stderr").
 */
export function literalDefault(cell: string): unknown {
  const code = /^`([^`]+)`/.exec(cell)?.[1]
  if (code === undefined) return undefined
  const json = code.replace(/(\d)_(?=\d)/g, '$1').replace(/^'(.*)'$/, '"$1"')
  try {
    return JSON.parse(json)
  } catch {
    return undefined
  }
}

/** What the comparison needs of a zod object schema (test-support has no zod of its own). */
export interface ObjectSchema {
  shape: Record<string, unknown>
  parse(value: unknown): unknown
  safeParse(value: unknown): { success: boolean }
}

/**
 * `required`, alone or with a gloss in parentheses ("required (PagerDuty: its API)"): needed
 * by `minimal`. A condition ("required with `'pagerduty'`") is not.
 */
const isRequired = (cell: string) => /^required(\s+\(.*\))?$/.test(cell)

/**
 * Checks a README options table against the schema that parses those options: the same
 * option names, "required" exactly for the fields without which `minimal` fails to parse,
 * and every literal default equal to what the schema fills in. Options in
 * `documentedElsewhere` are left out of the table on purpose (the README sends the reader
 * elsewhere for them): each must be in the schema and not in the table. Returns what disagrees.
 */
export function compareOptionsTable(
  rows: OptionRow[],
  schema: ObjectSchema,
  minimal: Record<string, unknown>,
  documentedElsewhere: readonly string[] = [],
): string[] {
  const problems: string[] = []
  const documented = rows.map((row) => row.option)
  const declared = Object.keys(schema.shape)
  for (const name of declared)
    if (!documented.includes(name) && !documentedElsewhere.includes(name))
      problems.push(`${name}: in the schema, not in the README`)
  for (const name of documented)
    if (!declared.includes(name)) problems.push(`${name}: in the README, not in the schema`)
  for (const name of documentedElsewhere) {
    if (!declared.includes(name)) problems.push(`${name}: documented elsewhere, not in the schema`)
    if (documented.includes(name)) problems.push(`${name}: in the table and documented elsewhere`)
  }
  const parsed = schema.parse(minimal) as Record<string, unknown>
  for (const row of rows) {
    if (!declared.includes(row.option)) continue
    const required = isRequired(row.default)
    const { [row.option]: _omitted, ...without } = minimal
    const needed = !schema.safeParse(without).success
    if (required !== needed)
      problems.push(
        `${row.option}: README says ${row.default}, schema ${needed ? 'requires it' : 'does not require it'}`,
      )
    const literal = literalDefault(row.default)
    if (literal === undefined || required) continue
    const actual = parsed[row.option]
    if (JSON.stringify(actual) !== JSON.stringify(literal))
      problems.push(`${row.option}: README default ${row.default}, schema default ${JSON.stringify(actual)}`)
  }
  return problems
}
