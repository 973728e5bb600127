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
 */
export function readOptionsTable(readmeUrl: URL, heading: string): OptionRow[] {
  const lines = readFileSync(readmeUrl, 'utf8').split('\n')
  const start = lines.indexOf(heading)
  if (start === -1) throw new Error(`README has no heading ${JSON.stringify(heading)}`)
  const header = lines.findIndex((line, index) => index > start && /^\|\s*option\s*\|/.test(line))
  if (header === -1) throw new Error(`no options table after ${JSON.stringify(heading)}`)
  const rows: OptionRow[] = []
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const [option = '', defaultCell = ''] = line
      .split('|')
      .slice(1)
      .map((cell) => cell.trim())
    rows.push({ option: unquote(option), default: defaultCell })
  }
  return rows
}

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

/**
 * Checks a README options table against the schema that parses those options: the same
 * option names, "required" exactly for the fields without which `minimal` fails to parse,
 * and every literal default equal to what the schema fills in. Returns what disagrees.
 */
/** What the comparison needs of a zod object schema (test-support has no zod of its own). */
export interface ObjectSchema {
  shape: Record<string, unknown>
  parse(value: unknown): unknown
  safeParse(value: unknown): { success: boolean }
}

export function compareOptionsTable(
  rows: OptionRow[],
  schema: ObjectSchema,
  minimal: Record<string, unknown>,
): string[] {
  const problems: string[] = []
  const documented = rows.map((row) => row.option)
  const declared = Object.keys(schema.shape)
  for (const name of declared)
    if (!documented.includes(name)) problems.push(`${name}: in the schema, not in the README`)
  for (const name of documented)
    if (!declared.includes(name)) problems.push(`${name}: in the README, not in the schema`)
  const parsed = schema.parse(minimal) as Record<string, unknown>
  for (const row of rows) {
    if (!declared.includes(row.option)) continue
    const required = row.default === 'required'
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
