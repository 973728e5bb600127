import type { JobHealthRecord } from '@cronwarden/supabase-adapter'
import { durationOrDash, timeOrDash } from '../format.js'
import { RUN_STATUSES, statusGlyph } from '../strip.js'
import { html, type SafeHtml } from './escape-html.js'

/** One cell per run, oldest on the left, each with its status, start and duration on hover. */
export function renderRunStrip(runs: JobHealthRecord['recent_runs']): SafeHtml {
  if (runs.length === 0) return html`<p class="empty">No runs recorded.</p>`
  return html`<div class="strip">${runs.map(
    (run) =>
      html`<span class="cell" data-status="${run.status}" title="${`${run.status} · ${timeOrDash(run.started_at)} · ${durationOrDash(run.duration_ms)} · run ${run.run_id}`}">${statusGlyph(run.status)}</span>`,
  )}</div>`
}

/** What each cell means. */
export function renderStripLegend(): SafeHtml {
  return html`<ul class="legend">${RUN_STATUSES.map(
    (status) => html`<li><span class="swatch" data-status="${status}">${statusGlyph(status)}</span> ${status}</li>`,
  )}</ul>`
}
