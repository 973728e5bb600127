import type { RunRecord } from '@cronwarden/core'
import { durationOrDash, timeOrDash } from '../format.js'
import { html, type SafeHtml } from './escape-html.js'
import type { Incident } from './incidents.js'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Axis steps people read without arithmetic. */
const TIME_STEPS = [
  ...[100, 200, 500],
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7, 14, 30, 60, 90, 180, 365].map((n) => n * DAY),
]
const DURATION_STEPS = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  DAY,
]

const WIDTH = 960
const HEIGHT = 220
const MARGIN = { top: 14, right: 18, bottom: 40, left: 76 }
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom

/** Past this many points successes are drawn as one path, without a tooltip each. */
const MAX_POINTS_WITH_TOOLTIPS = 1_500

const CHARTED = new Set<RunRecord['status']>(['succeeded', 'failed', 'abandoned'])
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export interface DurationChartInput {
  jobName: string
  /** Runs of the window, oldest first; finished successes and failures are drawn. */
  runs: readonly RunRecord[]
  /** Shaded as the times the job was down. */
  incidents: readonly Incident[]
  windowStart: string
  /** The right edge: the report's time, so a job that stopped running shows the gap. */
  now: string
}

/**
 * Durations of finished runs over time as inline SVG: a dot per success, a cross per failed
 * or abandoned run, incidents shaded, dates (UTC) on the time axis. The time axis starts at
 * the window's first run rather than the window's start, so a job with two days of history
 * does not sit squeezed against the right edge.
 */
export function renderDurationChart(input: DurationChartInput): SafeHtml {
  const points = input.runs.filter((run) => CHARTED.has(run.status) && run.duration_ms !== null)
  const first = points[0]
  if (first === undefined) return html`<p class="empty">No finished runs in this window.</p>`

  // The store's clock may run ahead of this machine's: the axis then ends at the newest run.
  const end = points.reduce((latest, run) => Math.max(latest, Date.parse(run.started_at)), Date.parse(input.now))
  const firstAt = Math.max(Date.parse(input.windowStart), Date.parse(first.started_at))
  // A little room left of the first point, never none: a lone run still gets an axis.
  const start = firstAt - Math.max((end - firstAt) * 0.03, 100)
  const x = (time: number) =>
    MARGIN.left + ((Math.min(Math.max(time, start), end) - start) / (end - start)) * PLOT_WIDTH

  const longest = points.reduce((most, run) => Math.max(most, run.duration_ms ?? 0), 0)
  const durationStep = niceStep(longest / 4, DURATION_STEPS)
  const top = Math.max(durationStep, Math.ceil(longest / durationStep) * durationStep)
  const y = (ms: number) => MARGIN.top + PLOT_HEIGHT - (ms / top) * PLOT_HEIGHT

  const yTicks: number[] = []
  for (let ms = 0; ms <= top; ms += durationStep) yTicks.push(ms)
  const timeStep = niceStep((end - start) / 6, TIME_STEPS)
  const xTicks: number[] = []
  for (let time = Math.ceil(start / timeStep) * timeStep; time <= end; time += timeStep) xTicks.push(time)

  const successes = points.filter((run) => run.status === 'succeeded')
  const failures = points.filter((run) => run.status !== 'succeeded')
  const bottom = MARGIN.top + PLOT_HEIGHT

  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img"
  aria-label="${`Run durations of ${input.jobName}: ${successes.length} succeeded, ${failures.length} failed or abandoned`}">
<g class="grid">${yTicks.map(
    (ms) => html`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y(ms))}" y2="${round(y(ms))}"/>
<text class="y-label" x="${MARGIN.left - 8}" y="${round(y(ms))}">${durationOrDash(ms)}</text>`,
  )}</g>
${input.incidents.map(
  (incident) => html`<rect class="down" x="${round(x(Date.parse(incident.downSince)))}" y="${MARGIN.top}"
  width="${round(Math.max(2, x(incident.recoveredAt === null ? end : Date.parse(incident.recoveredAt)) - x(Date.parse(incident.downSince))))}"
  height="${PLOT_HEIGHT}"><title>${`down since ${timeOrDash(incident.downSince)}${incident.recoveredAt === null ? ', still down' : `, recovered ${timeOrDash(incident.recoveredAt)}`}`}</title></rect>`,
)}
<g class="x-axis"><line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>${xTicks.map(
    (time, index) =>
      html`<line x1="${round(x(time))}" x2="${round(x(time))}" y1="${bottom}" y2="${bottom + 5}"/>${timeLabel(time, xTicks[index - 1], timeStep, round(x(time)), bottom + 18)}`,
  )}</g>
${
  successes.length > MAX_POINTS_WITH_TOOLTIPS
    ? html`<path class="ok" d="${successes.map((run) => `M${round(x(Date.parse(run.started_at)))} ${round(y(run.duration_ms ?? 0))}h0`).join('')}"/>`
    : successes.map(
        (run) =>
          html`<circle class="ok" cx="${round(x(Date.parse(run.started_at)))}" cy="${round(y(run.duration_ms ?? 0))}" r="3"><title>${describePoint(run)}</title></circle>`,
      )
}
${failures.map((run) => {
  const cx = round(x(Date.parse(run.started_at)))
  const cy = round(y(run.duration_ms ?? 0))
  return html`<path class="fail" d="M${cx - 4} ${cy - 4}l8 8m0 -8l-8 8"><title>${describePoint(run)}</title></path>`
})}
</svg>`
}

/** The smallest step of `steps` at least `raw` (the largest one past the end). */
export function niceStep(raw: number, steps: readonly number[]): number {
  return steps.find((step) => step >= raw) ?? (steps[steps.length - 1] as number)
}

function describePoint(run: RunRecord): string {
  const error = run.error_message === null ? '' : `: ${run.error_message.split(/\r?\n/, 1)[0]?.slice(0, 200)}`
  return `${run.status}, ${timeOrDash(run.started_at)}, ${durationOrDash(run.duration_ms)}${error}`
}

/**
 * `Nov 2026` for steps of months, `Nov 30` for days; else `06:00` (`06:00:15` under a minute, `06:00:15.500` under a
 * second) with the date under it where the day changes.
 */
function timeLabel(time: number, previous: number | undefined, step: number, cx: number, cy: number): SafeHtml {
  const date = new Date(time)
  const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`
  if (step >= 30 * DAY)
    return html`<text class="x-label" x="${cx}" y="${cy}">${`${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`}</text>`
  if (step >= DAY) return html`<text class="x-label" x="${cx}" y="${cy}">${day}</text>`
  const clock = new Date(time).toISOString().slice(11, step >= MINUTE ? 16 : step >= SECOND ? 19 : 23)
  const newDay = previous === undefined || new Date(previous).getUTCDate() !== date.getUTCDate()
  return html`<text class="x-label" x="${cx}" y="${cy}">${clock}${newDay ? html`<tspan x="${cx}" dy="14">${day}</tspan>` : ''}</text>`
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}
