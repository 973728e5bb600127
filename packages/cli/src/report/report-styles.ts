/**
 * The page's only style sheet, inline (the CSP allows inline styles and nothing else to
 * load). System fonts only: the page must render the same offline.
 */
export const REPORT_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f8fa; --card: #ffffff; --text: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --dark-bad: #82071e;
  --warn: #9a6700; --warn-bg: #fff8c5; --info: #0969da; --info-bg: #ddf4ff; --idle: #818b98;
  --down-band: rgba(207, 34, 46, 0.10);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --card: #151b23; --text: #e6edf3; --muted: #9198a1; --line: #3d444d;
    --ok: #3fb950; --ok-bg: #12261e; --bad: #f85149; --bad-bg: #2d1215; --dark-bad: #ff7b72;
    --warn: #d29922; --warn-bg: #272115; --info: #4493f8; --info-bg: #121d2f; --idle: #656c76;
    --down-band: rgba(248, 81, 73, 0.16);
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif;
}
.page { max-width: 1080px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 13px; margin: 20px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
h3 small { text-transform: none; letter-spacing: 0; font-weight: normal; }
a { color: var(--info); text-decoration: none; }
a:hover { text-decoration: underline; }
.meta, .note, .empty { color: var(--muted); margin: 0; }
.empty { font-style: italic; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; list-style: none; padding: 0; margin: 20px 0; }
.tiles li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.tiles b { display: block; font-size: 26px; line-height: 1.2; }
.tiles .bad { border-color: var(--bad); background: var(--bad-bg); }
.tiles .bad b { color: var(--bad); }
.tiles .warn { border-color: var(--warn); background: var(--warn-bg); }
.tiles .warn b { color: var(--warn); }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
tr:last-child td { border-bottom: none; }
.overview { border: 1px solid var(--line); border-radius: 8px; border-collapse: separate; border-spacing: 0; overflow: hidden; }
.overview td { white-space: nowrap; }
.overview td:first-child { white-space: normal; overflow-wrap: anywhere; }
.job { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 8px; padding: 16px 20px; margin-top: 24px; }
.job.down { border-left-color: var(--bad); }
.job.warn { border-left-color: var(--warn); }
.job-head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
.pill { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; font-weight: 600; line-height: 20px; white-space: nowrap; }
.pill.ok, .pill.delivered { color: var(--ok); background: var(--ok-bg); }
.pill.down, .pill.failed, .pill.expired, .pill.timed_out { color: var(--bad); background: var(--bad-bg); }
.pill.warn, .pill.pending { color: var(--warn); background: var(--warn-bg); }
.pill.info { color: var(--info); background: var(--info-bg); }
.pill.muted, .pill.no_event { color: var(--muted); background: var(--bg); border: 1px dashed var(--line); line-height: 18px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px 24px; margin: 14px 0 0; }
.facts dt { font-size: 12px; color: var(--muted); }
.facts dd { margin: 0; }
.strip { display: flex; flex-wrap: wrap; gap: 3px; }
.cell, .swatch {
  display: inline-flex; align-items: center; justify-content: center; width: 22px; height: 22px;
  border-radius: 4px; color: #fff; font-size: 13px; font-weight: 700; background: var(--idle);
}
.swatch { width: 18px; height: 18px; font-size: 11px; }
[data-status="succeeded"] { background: var(--ok); }
[data-status="failed"] { background: var(--bad); }
[data-status="abandoned"] { background: var(--dark-bad); }
[data-status="missed"] { background: var(--warn); }
[data-status="skipped"] { background: var(--idle); }
[data-status="running"] { background: var(--info); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 8px 0 0; color: var(--muted); font-size: 12px; }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.legend .dot { width: 9px; height: 9px; border-radius: 50%; background: var(--ok); display: inline-block; }
.legend .cross { color: var(--bad); font-weight: 700; }
.legend .band { width: 14px; height: 10px; background: var(--down-band); border: 1px solid var(--bad); display: inline-block; }
.chart { width: 100%; height: auto; display: block; }
.chart .grid line { stroke: var(--line); stroke-width: 1; }
.chart .x-axis line { stroke: var(--muted); stroke-width: 1; }
.chart text { fill: var(--muted); font-size: 11px; font-family: inherit; }
.chart .y-label { text-anchor: end; dominant-baseline: middle; }
.chart .x-label { text-anchor: middle; }
.chart .down { fill: var(--down-band); }
.chart circle.ok { fill: var(--ok); fill-opacity: .8; }
.chart path.ok { stroke: var(--ok); stroke-width: 5; stroke-linecap: round; stroke-opacity: .8; }
.chart .fail { stroke: var(--bad); stroke-width: 2.5; stroke-linecap: round; fill: none; }
.incidents td:nth-child(-n+4) { white-space: nowrap; }
.incidents td:nth-child(5) { min-width: 12em; }
.incidents td:nth-child(6) { min-width: 16em; }
.scroll { overflow-x: auto; }
.incidents, .alerts { font-size: 13px; }
.error { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; overflow-wrap: anywhere; white-space: pre-wrap; }
details summary { cursor: pointer; }
details pre { margin: 6px 0 0; max-height: 240px; overflow: auto; background: var(--bg); padding: 8px; border-radius: 4px; }
.entry + .entry { margin-top: 8px; padding-top: 8px; border-top: 1px dashed var(--line); }
.entry .event { font-weight: 600; }
.notifiers { list-style: none; padding: 0; margin: 4px 0 0; }
.notifiers li { margin: 2px 0; overflow-wrap: anywhere; }
.notifiers .error { display: block; color: var(--muted); margin-left: 2px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`
