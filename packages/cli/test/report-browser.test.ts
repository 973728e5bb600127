import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { migrate } from '@cronwarden/supabase-adapter'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { type CliResult, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import { chromiumAvailable, launchChromium } from './support/report-chromium.js'
import {
  HOSTILE_ERROR,
  HOSTILE_JOB,
  HOSTILE_NOTIFIER,
  HOSTILE_NOTIFIER_ERROR,
  type SeededReport,
  seedReportJobs,
} from './support/report-seed.js'

const available = (await serverAvailable()) && chromiumAvailable()

/** Kept after the run for people to look at, with the page it shows. */
const SCREENSHOT = fileURLToPath(new URL('../.tmp/test-output/report.png', import.meta.url))
const PAGE_COPY = fileURLToPath(new URL('../.tmp/test-output/report.html', import.meta.url))

/** Everything a page did that it must not: console errors, exceptions, requests, dialogs. */
function watch(page: Page, allowedUrl: string | null): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
  page.on('request', (request) => {
    if (request.url() !== allowedUrl) problems.push(`request: ${request.url()}`)
  })
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return problems
}

/** Elements through which markup in the data could run or load something. */
const ACTIVE_ELEMENTS = 'script, img, iframe, object, embed, link, base, form, meta[http-equiv="refresh"]'

/** Each job's section by its `data-job` (read through the DOM: a hostile name makes a poor selector). */
async function jobSections(page: Page): Promise<Map<string | null, Locator>> {
  const sections = await page.locator('section[data-job]').all()
  return new Map(
    await Promise.all(sections.map(async (section) => [await section.getAttribute('data-job'), section] as const)),
  )
}

async function attributes(locator: Locator, name: string): Promise<Array<string | null>> {
  return Promise.all((await locator.all()).map((each) => each.getAttribute(name)))
}

describe.skipIf(!available)('the HTML report in headless Chromium', () => {
  let database: TestDatabase
  let folder: CaseFolder
  let seeded: SeededReport
  let browser: Browser
  let htmlPath: string
  let result: CliResult

  beforeAll(async () => {
    ;[database, folder] = await Promise.all([createTestDatabase({ migrate }), createCaseFolder()])
    seeded = await seedReportJobs(database.sql)
    htmlPath = join(folder.dir, 'report.html')
    result = await runCli(['report', '--html', 'report.html', '--database-url', database.url], { cwd: folder.dir })
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await seeded?.finish()
    await Promise.all([database?.drop(), folder?.remove()])
  })

  it('writes the page and prints its path and the number of jobs', () => {
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`Wrote ${htmlPath}: 4 jobs (2 down), 90 days of history.\n`)
  })

  it("renders without console errors, page errors or requests, each job's strip cell by cell, and a screenshot", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const url = pathToFileURL(htmlPath).href
    const problems = watch(page, url)
    await page.goto(url, { waitUntil: 'load' })

    const strips = []
    for (const [name, section] of await jobSections(page)) {
      const cells = section.locator('.strip .cell')
      const titles = await attributes(cells, 'title')
      strips.push({ name, statuses: await attributes(cells, 'data-status'), titled: titles.every((title) => !!title) })
    }
    // Sorted by name as the store sorts (code points), the last 20 runs of each, oldest first.
    const expected = [...seeded.jobs]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((job) => ({ name: job.name, statuses: job.statuses.slice(-20), titled: true }))
    expect(strips).toEqual(expected)

    await mkdir(dirname(SCREENSHOT), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    await copyFile(htmlPath, PAGE_COPY)
    console.log(`report screenshot: ${SCREENSHOT} (page: ${PAGE_COPY})`)
    expect(problems).toEqual([])
    await page.close()
  })

  it('draws a point per finished run and a cross per failure, and lists incidents with their alerts', async () => {
    const page = await browser.newPage()
    await page.goto(pathToFileURL(htmlPath).href)
    const sections = await jobSections(page)
    const incidentRows = async (job: string) =>
      (await sections.get(job)?.locator('table.incidents tbody tr').allTextContents())?.map((row) =>
        row.replace(/\s+/g, ' '),
      )

    const exported = sections.get('nightly-export')
    expect(await exported?.locator('svg.chart circle.ok').count()).toBe(22)
    expect(await exported?.locator('svg.chart path.fail').count()).toBe(3)
    // Newest first: the lone failure (no alert at threshold 2), then the outage that alerted.
    const exportIncidents = await incidentRows('nightly-export')
    expect(exportIncidents).toHaveLength(2)
    expect(exportIncidents?.[0]).toContain('timeout after 30000 ms')
    expect(exportIncidents?.[0]).toContain('none')
    expect(exportIncidents?.[1]).toMatch(/consecutive_failures delivered .*ops-log/)
    expect(exportIncidents?.[1]).toMatch(/recovered delivered .*ops-log/)

    const billing = await incidentRows('billing-sync')
    expect(billing).toHaveLength(1)
    expect(billing?.[0]).toContain('still down')
    expect(billing?.[0]).toMatch(/consecutive_failures pending/)
    expect(billing?.[0]).toMatch(/delivered slack/)
    expect(billing?.[0]).toMatch(/failed pager 1 attempt, next try .* PagerDuty answered 500/)
    await page.close()
  })

  it('shows hostile job names, errors and notifier names as text, and nothing in them runs', async () => {
    const page = await browser.newPage()
    const url = pathToFileURL(htmlPath).href
    const problems = watch(page, url)
    await page.goto(url)
    const section = (await jobSections(page)).get(HOSTILE_JOB)
    expect(await page.locator(ACTIVE_ELEMENTS).count()).toBe(0)
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    )
    expect(await section?.locator('h2').textContent()).toBe(HOSTILE_JOB)
    expect(await page.locator('.overview a').allTextContents()).toContain(HOSTILE_JOB)
    const text = (await section?.textContent()) ?? ''
    expect(text).toContain(HOSTILE_ERROR.split('\n')[0])
    expect(text).toContain(HOSTILE_NOTIFIER)
    expect(text).toContain(HOSTILE_NOTIFIER_ERROR)
    expect(problems).toEqual([])
    await page.close()
  })

  it('runs nothing from the data even with the CSP taken out: the escaping alone holds', async () => {
    const page = await browser.newPage()
    const problems = watch(page, null)
    const withoutCsp = (await readFile(htmlPath, 'utf8')).replace(
      /<meta http-equiv="Content-Security-Policy"[^>]*>/,
      '',
    )
    expect(withoutCsp).not.toContain('Content-Security-Policy')
    await page.setContent(withoutCsp, { waitUntil: 'load' })
    expect(await page.locator(ACTIVE_ELEMENTS).count()).toBe(0)
    expect(await page.getByRole('heading', { name: HOSTILE_JOB, exact: true }).count()).toBe(1)
    expect(problems).toEqual([])
    await page.close()
  })
})
