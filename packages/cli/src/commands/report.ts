import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { CommandContext } from '../context.js'
import { UsageError } from '../errors.js'
import { collectReportData } from '../report/collect-report-data.js'
import { renderReportHtml } from '../report/render-html.js'

export interface ReportOptions {
  htmlPath: string
  days: number
  recentRuns: number
}

/**
 * Writes the job-health page: one self-contained HTML file (inline styles, inline SVG, no
 * script, a CSP that lets nothing load), so it can be mailed, attached to a ticket or served
 * as a static file. It is written next to its target and renamed into place, so a reader or
 * a web server never sees half a page.
 */
export async function report(context: CommandContext, options: ReportOptions): Promise<number> {
  const path = resolve(options.htmlPath)
  // Before reading anything: a typo in the folder should not cost a minute of queries first.
  await access(dirname(path), constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--html: cannot write into ${dirname(path)}: ${error.code ?? error.message}`, { cause: error })
  })
  const data = await collectReportData({
    db: context.database(),
    store: context.store(),
    storeTimeoutMs: context.config.storeTimeoutMs,
    now: context.now(),
    days: options.days,
    recentRuns: options.recentRuns,
  })
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`
  try {
    await writeFile(partial, renderReportHtml(data), { encoding: 'utf8', flag: 'wx' })
    await rename(partial, path)
  } catch (error) {
    await rm(partial, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    // Renaming onto a folder, say: the path given is wrong, not the database.
    if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM')
      throw new UsageError(`--html: cannot write ${path}: ${code}`, { cause: error })
    throw error
  }
  const down = data.jobs.filter((job) => job.health.consecutive_failure_count > 0).length
  context.out.line(
    `Wrote ${path}: ${data.jobs.length} ${data.jobs.length === 1 ? 'job' : 'jobs'}` +
      `${down > 0 ? ` (${down} down)` : ''}, ${data.days} days of history.`,
  )
  return 0
}
