import type { RunStatus } from '@cronwarden/core'
import type { Colors } from './output.js'

/**
 * One character per run, oldest on the left. Shapes differ, not only colours, so the strip
 * reads the same without colour (a pipe, NO_COLOR, a colour-blind reader).
 */
const CELLS: Record<RunStatus, { glyph: string; paint: keyof Colors }> = {
  succeeded: { glyph: '✓', paint: 'green' },
  failed: { glyph: '✗', paint: 'red' },
  abandoned: { glyph: '!', paint: 'red' },
  missed: { glyph: '?', paint: 'yellow' },
  skipped: { glyph: '-', paint: 'dim' },
  running: { glyph: '~', paint: 'cyan' },
}

/** Every status, in the order legends list them. */
export const RUN_STATUSES = Object.keys(CELLS) as RunStatus[]

/** The character a run of this status shows as, in the terminal and on the HTML page. */
export function statusGlyph(status: RunStatus): string {
  return CELLS[status].glyph
}

/** The legend printed under `status`. */
export const STRIP_LEGEND = Object.entries(CELLS)
  .map(([status, cell]) => `${cell.glyph} ${status}`)
  .join('  ')

export function renderStrip(statuses: readonly RunStatus[], colors: Colors): string {
  return statuses
    .map((status) => {
      const cell = CELLS[status]
      const paint = colors[cell.paint] as (text: string) => string
      return paint(cell.glyph)
    })
    .join('')
}
