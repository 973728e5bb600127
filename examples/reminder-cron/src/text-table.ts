/**
 * A plain box-drawn table. console.table would add an index column and quote every string,
 * which is noise in a table meant to be read like the log's own rows.
 */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (left: string, middle: string, right: string) =>
    `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`
  const row = (cells: readonly string[]) =>
    `│${widths.map((width, column) => ` ${(cells[column] ?? '').padEnd(width)} `).join('│')}│`
  return [line('┌', '┬', '┐'), row(headers), line('├', '┼', '┤'), ...rows.map(row), line('└', '┴', '┘')]
}
