import type { RunRecord } from '@cronwarden/core'
import { describeMute, isMuted } from '../commands/mute.js'
import { problemsOf } from '../commands/status.js'
import { durationOrDash, formatTimeAgo, timeOrDash } from '../format.js'
import { renderOtherAlerts } from './alerts-html.js'
import { renderDurationChart } from './duration-chart.js'
import { html, type SafeHtml, trustedHtml } from './escape-html.js'
import { renderIncidents } from './incidents-html.js'
import type { JobReport, ReportData } from './report-data.js'
import { REPORT_STYLES } from './report-styles.js'
import { renderRunStrip, renderStripLegend } from './run-strip-html.js'

/**
 * Nothing may load or run: no script, font, image or request. Inline styles are the page's
 * own; `img-src data:` is for a browser's own icons. Opened from a file or a mail attachment,
 * the page makes no request at view time.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

/** The whole page, one self-contained HTML document. */
export function renderReportHtml(data: ReportData): string {
  const down = data.jobs.filter((job) => job.health.consecutive_failure_count > 0).length
  const undelivered = sum(data.jobs.map((job) => job.health.alerts.pending + job.health.alerts.failed))
  const expired = sum(data.jobs.map((job) => job.health.alerts.expired))
  const running = sum(data.jobs.map((job) => job.health.running.length))
  const muted = data.jobs.filter((job) => isMuted(job.health.muted_until, new Date(data.generatedAt))).length
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trustedHtml(REPORT_CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cronwarden report">
<title>${`Job health · ${timeOrDash(data.generatedAt)}`}</title>
<style>${trustedHtml(REPORT_STYLES)}</style>
</head>
<body>
<div class="page">
<header>
<h1>Job health</h1>
<p class="meta">Generated ${timeOrDash(data.generatedAt)} by <code>cronwarden report</code>. History: the last ${data.days} days
(since ${timeOrDash(data.windowStart)}). Strips: the last ${data.recentRuns} runs. Times in UTC.</p>
<ul class="tiles">
<li><b>${data.jobs.length}</b> ${data.jobs.length === 1 ? 'job' : 'jobs'}</li>
<li class="${down > 0 ? 'bad' : ''}"><b>${down}</b> ${down === 1 ? 'job down' : 'jobs down'}</li>
<li class="${undelivered > 0 ? 'warn' : ''}"><b>${undelivered}</b> ${undelivered === 1 ? 'alert' : 'alerts'} not delivered yet</li>
<li class="${expired > 0 ? 'bad' : ''}"><b>${expired}</b> ${expired === 1 ? 'alert' : 'alerts'} expired undelivered</li>
<li><b>${running}</b> running now</li>
${muted > 0 ? html`<li><b>${muted}</b> muted: alerts recorded, not sent</li>` : ''}
</ul>
</header>
<main>
${data.jobs.length === 0 ? html`<p class="empty">No jobs recorded yet.</p>` : renderOverview(data)}
${data.jobs.map((job, index) => renderJob(job, index, data))}
</main>
<footer>
${renderStripLegend()}
<p>Incidents are streaks of failed or abandoned runs and missed scheduled times, from the first failure to the
success that ended them, as in the job's failure count; skipped rows do not count. A muted job's alerts are
recorded as muted, not sent; it is still shown down while it is.</p>
</footer>
</div>
</body>
</html>
`
  return page.toString()
}

function renderOverview(data: ReportData): SafeHtml {
  const now = new Date(data.generatedAt)
  return html`<table class="overview">
<thead><tr><th>Job</th><th>State</th><th>Streak</th><th>Last success</th><th>Down since</th></tr></thead>
<tbody>${data.jobs.map(
    (job, index) => html`<tr>
<td><a href="#${jobAnchor(index)}">${job.health.job_name}</a></td>
<td>${renderStateBadges(job, data.generatedAt)}</td>
<td>${job.health.consecutive_failure_count}</td>
<td>${formatTimeAgo(job.health.last_success_at, now)}</td>
<td>${formatTimeAgo(job.health.down_since, now)}</td>
</tr>`,
  )}</tbody>
</table>`
}

function renderJob(job: JobReport, index: number, data: ReportData): SafeHtml {
  const { health } = job
  const now = new Date(data.generatedAt)
  const problems = problemsOf(health)
  const tone = problems.includes('down') ? 'down' : problems.length > 0 ? 'warn' : ''
  const windowLabel = `the last ${data.days} days`
  return html`<section class="job ${tone}" id="${jobAnchor(index)}" data-job="${health.job_name}">
<div class="job-head"><h2>${health.job_name}</h2>${renderStateBadges(job, data.generatedAt)}</div>
<dl class="facts">
<div><dt>Failure streak</dt><dd>${health.consecutive_failure_count}</dd></div>
<div><dt>Last success</dt><dd>${formatTimeAgo(health.last_success_at, now)}</dd></div>
<div><dt>Down since</dt><dd>${formatTimeAgo(health.down_since, now)}</dd></div>
<div><dt>Running now</dt><dd>${
    health.running.length === 0
      ? '-'
      : health.running.map(
          (run) =>
            html`<div>${`since ${timeOrDash(run.started_at)}${run.host === null ? '' : ` on ${run.host}`}`}</div>`,
        )
  }</dd></div>
<div><dt>Alerts</dt><dd>${describeAlertCounts(health.alerts)}</dd></div>
<div><dt>Runs in ${windowLabel}</dt><dd>${describeRuns(job.runs)}</dd></div>
<div><dt>Duration of successes</dt><dd>${describeDurations(job.runs)}</dd></div>
</dl>
<h3>Last ${Math.min(data.recentRuns, health.recent_runs.length)} runs <small>oldest → newest</small></h3>
${renderRunStrip(health.recent_runs)}
<h3>Run durations <small>${windowLabel}</small></h3>
${renderDurationChart({
  jobName: health.job_name,
  runs: job.runs,
  incidents: job.incidents,
  windowStart: data.windowStart,
  now: data.generatedAt,
})}
<ul class="legend"><li><span class="dot"></span> succeeded</li><li><span class="cross">✕</span> failed or abandoned</li><li><span class="band"></span> down</li></ul>
${job.runsCapped ? html`<p class="note">Only the newest ${job.runs.length.toLocaleString('en-US')} runs of the window are shown.</p>` : ''}
<h3>Incidents <small>${windowLabel}</small></h3>
${job.incidents.length === 0 ? html`<p class="empty">No incidents.</p>` : renderIncidents(job.incidents, data.generatedAt)}
${job.otherAlerts.length === 0 ? '' : html`<h3>Other alerts <small>${windowLabel}</small></h3>${renderOtherAlerts(job.otherAlerts)}`}
</section>`
}

/** Ids from positions, not names: a job name may hold anything an id may not. */
function jobAnchor(index: number): string {
  return `job-${index + 1}`
}

function renderStateBadges(job: JobReport, now: string): SafeHtml {
  const problems = problemsOf(job.health)
  const badges = problems.map(
    (problem) =>
      html`<span class="pill ${problem === 'down' ? 'down' : problem === 'alert expired' ? 'expired' : 'warn'}">${problem}</span>`,
  )
  if (job.health.running.length > 0) badges.push(html`<span class="pill info">running</span>`)
  const mute = describeMute(job.health.muted_until, new Date(now))
  if (mute !== null) badges.push(html`<span class="pill muted">${mute}</span>`)
  return html`${problems.length === 0 ? html`<span class="pill ok">healthy</span>` : ''}${badges}`
}

function describeAlertCounts(alerts: JobReport['health']['alerts']): string {
  const parts = [
    alerts.pending > 0 ? `${alerts.pending} pending` : null,
    alerts.failed > 0 ? `${alerts.failed} retrying after a failure` : null,
    alerts.expired > 0 ? `${alerts.expired} expired` : null,
  ].filter((part) => part !== null)
  return parts.length === 0 ? 'all delivered' : parts.join(', ')
}

function describeRuns(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return 'none'
  const counts = new Map<string, number>()
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1)
  const closed = (counts.get('succeeded') ?? 0) + (counts.get('failed') ?? 0) + (counts.get('abandoned') ?? 0)
  const rate = closed === 0 ? '' : ` (${(((counts.get('succeeded') ?? 0) / closed) * 100).toFixed(1)}% succeeded)`
  return `${runs.length}${rate}: ${[...counts.entries()].map(([status, count]) => `${count} ${status}`).join(', ')}`
}

function describeDurations(runs: readonly RunRecord[]): string {
  const durations = runs
    .filter((run) => run.status === 'succeeded' && run.duration_ms !== null)
    .map((run) => run.duration_ms as number)
    .sort((a, b) => a - b)
  if (durations.length === 0) return '-'
  const at = (share: number) => durations[Math.max(0, Math.ceil(share * durations.length) - 1)] ?? 0
  return `median ${durationOrDash(at(0.5))}, p95 ${durationOrDash(at(0.95))}, max ${durationOrDash(at(1))}`
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
