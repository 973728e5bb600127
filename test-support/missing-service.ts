/**
 * A test needs a service this machine lacks (a PostgreSQL server, pg_dump, Chromium). On a
 * laptop the tests skip with the reason printed, so `pnpm test` passes anyway; CI sets
 * CRONWARDEN_REQUIRE_SERVICES=1, where a missing service is an error instead of a skip.
 * Returns false, for `if (!available) return missingService(...)` style checks.
 */
export function missingService(skipped: string, reason: string): false {
  if (process.env.CRONWARDEN_REQUIRE_SERVICES === '1')
    throw new Error(`${reason}; CRONWARDEN_REQUIRE_SERVICES=1 requires it`)
  console.warn(`skipping ${skipped}: ${reason}`)
  return false
}
