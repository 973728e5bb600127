import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { missingService } from '../../../../test-support/missing-service.js'

/** Debian's `chromium` package; `.ci/setup-chromium.sh` installs it. */
export const chromiumPath = process.env.CRONWARDEN_CHROMIUM ?? '/usr/bin/chromium'

/**
 * True when the browser is installed. When it is not, browser tests skip with the reason
 * printed, so `pnpm test` passes on a laptop without it; with CRONWARDEN_REQUIRE_SERVICES=1
 * (CI) a missing browser is an error instead.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true
  return missingService(
    'browser tests',
    `no Chromium at ${chromiumPath} (apt-get install chromium, or set CRONWARDEN_CHROMIUM)`,
  )
}

/**
 * Headless Chromium as a CI container runs it: no sandbox (root in a container), no GPU, no
 * /dev/shm (small in containers), and no background requests of its own, so every request
 * the tests see comes from the page.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
    ],
  })
}
