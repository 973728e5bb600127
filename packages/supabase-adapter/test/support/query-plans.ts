// Query plans as data, for tests that assert which index a query uses (never how long it
// takes), and the README's SQL recipes, read from the README itself so the text people copy
// is the text that is checked. Also used by bench/job-health.ts.
import { readFile } from 'node:fs/promises'

/** One node of a plan as `EXPLAIN (format json)` and auto_explain print it. */
export interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
  [field: string]: unknown
}

/** The node and every node below it, depth first. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)]
}

/** The node types that read `relation`, and the index each one went through. */
export function scansOf(plan: PlanNode, relation: string): string[] {
  return planNodes(plan)
    .filter((node) => node['Relation Name'] === relation)
    .map((node) => (node['Index Name'] ? `${node['Node Type']} using ${node['Index Name']}` : node['Node Type']))
}

/**
 * How many rows the nodes reading `relation` went through, from a plan run with ANALYZE: those
 * they returned and those their filter dropped, over all loops (both counts are per loop).
 */
export function rowsRead(plan: PlanNode, relation: string): number {
  return planNodes(plan)
    .filter((node) => node['Relation Name'] === relation)
    .reduce(
      (sum, node) =>
        sum +
        (Number(node['Actual Rows'] ?? 0) + Number(node['Rows Removed by Filter'] ?? 0)) *
          Number(node['Actual Loops'] ?? 1),
      0,
    )
}

/** The index names the plan reads, whatever the node (a Bitmap Index Scan names no relation). */
export function indexesUsed(plan: PlanNode): string[] {
  return planNodes(plan).flatMap((node) => (node['Index Name'] ? [node['Index Name']] : []))
}

/** The plan of one statement, not run. */
export async function explain(client: Pick<NoticeClient, 'query'>, text: string): Promise<PlanNode> {
  const { rows } = await client.query(`explain (format json) ${text}`)
  const [row] = rows as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>
  return row?.['QUERY PLAN'][0]?.Plan as PlanNode
}

/**
 * What `nestedPlans` needs of a connection: a node-postgres `Client` as it is, or a postgres.js
 * connection (`max: 1`) whose `onnotice` feeds the listeners (bench/job-health.ts).
 */
export interface NoticeClient {
  query(text: string): Promise<{ rows: unknown[] }>
  on(event: 'notice', listener: (notice: { message?: string }) => void): unknown
  off(event: 'notice', listener: (notice: { message?: string }) => void): unknown
}

/** A statement run inside a function, and the plan it ran with. */
export interface NestedPlan {
  query: string
  plan: PlanNode
}

/**
 * Runs `text` with auto_explain on and returns the plan of every statement it ran, including
 * those inside the functions it called: how to see the plans a PL/pgSQL or SQL function really
 * uses (with its real arguments), which EXPLAIN of the call does not show. Inside a
 * transaction that is rolled back, so a delete can be planned without deleting. Needs a
 * superuser connection (LOAD 'auto_explain' and its settings are a superuser's); with `role`,
 * `text` then runs as that role (`set local role`), e.g. the database's non-superuser owner,
 * while auto_explain still logs.
 */
export async function nestedPlans(
  client: NoticeClient,
  text: string,
  options: { analyze?: boolean; role?: string } = {},
): Promise<{ plans: NestedPlan[]; rows: unknown[] }> {
  const plans: NestedPlan[] = []
  const onNotice = (notice: { message?: string }) => {
    const message = notice.message ?? ''
    const json = message.indexOf('{')
    if (!message.startsWith('duration:') || json < 0) return
    const logged = JSON.parse(message.slice(json)) as { 'Query Text': string; Plan: PlanNode }
    plans.push({ query: logged['Query Text'], plan: logged.Plan })
  }
  client.on('notice', onNotice)
  try {
    await client.query('begin')
    await client.query(`load 'auto_explain'`)
    for (const setting of [
      'auto_explain.log_min_duration = 0',
      'auto_explain.log_nested_statements = on',
      'auto_explain.log_format = json',
      'auto_explain.log_level = notice',
      `auto_explain.log_analyze = ${options.analyze ? 'on' : 'off'}`,
      `auto_explain.log_buffers = ${options.analyze ? 'on' : 'off'}`,
      'client_min_messages = notice',
    ]) {
      await client.query(`set local ${setting}`)
    }
    if (options.role) await client.query(`set local role ${options.role}`)
    const { rows } = await client.query(text)
    await client.query('rollback')
    return { plans, rows }
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    client.off('notice', onNotice)
  }
}

const readmeFile = new URL('../../README.md', import.meta.url)

/**
 * The SQL statement in the package README that follows the comment line starting with
 * `heading` (after any further comment lines), up to the line that ends it with `;`.
 */
export async function readmeQuery(heading: string): Promise<string> {
  const lines = (await readFile(readmeFile, 'utf8')).split('\n')
  const start = lines.findIndex((line) => line.trim().startsWith(`-- ${heading}`))
  if (start < 0) throw new Error(`README.md has no SQL comment starting with "-- ${heading}"`)
  const statement: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (statement.length === 0 && line.trim().startsWith('--')) continue
    statement.push(line)
    if (line.trimEnd().endsWith(';')) return statement.join('\n').trim().replace(/;$/, '')
  }
  throw new Error(`README.md: the statement after "-- ${heading}" does not end with ;`)
}

/**
 * Every statement of the package README's ```sql block whose first line is the comment
 * `-- ${heading}`, in order, without comment lines and without their closing `;`: a recipe
 * of several statements (the grants of "Roles and grants"), run by a test as written.
 */
export async function readmeSqlBlock(heading: string): Promise<string[]> {
  const lines = (await readFile(readmeFile, 'utf8')).split('\n')
  const start = lines.findIndex(
    (line, index) => line.trim() === `-- ${heading}` && lines[index - 1]?.trim() === '```sql',
  )
  if (start < 0) throw new Error(`README.md has no \`\`\`sql block starting with "-- ${heading}"`)
  const end = lines.findIndex((line, index) => index > start && line.trim() === '```')
  const body = lines
    .slice(start + 1, end)
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
  const statements = body
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter(Boolean)
  if (statements.length === 0) throw new Error(`README.md: the block "-- ${heading}" has no statement`)
  return statements
}

/**
 * A plan as indented lines, one per node: what it reads (through which index), and with
 * `analyze`, the time its loops took, the rows and the buffers.
 */
export function formatPlan(node: PlanNode, depth = 0): string[] {
  const target = [
    node['Index Name'] ? `using ${node['Index Name']}` : '',
    node['Relation Name'] ? `on ${node['Relation Name']}` : '',
  ]
    .filter(Boolean)
    .join(' ')
  const loops = Number(node['Actual Loops'] ?? 0)
  const actual =
    node['Actual Total Time'] === undefined
      ? ''
      : ` (actual ${Number(node['Actual Total Time']).toFixed(3)} ms x ${loops} loops, ${node['Actual Rows']} rows` +
        `${node['Shared Hit Blocks'] === undefined ? '' : `, ${node['Shared Hit Blocks']} buffers hit`})`
  const line = `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}${node['Node Type']}${target ? ` ${target}` : ''}${actual}`
  return [line, ...(node.Plans ?? []).flatMap((child) => formatPlan(child, depth + 1))]
}
