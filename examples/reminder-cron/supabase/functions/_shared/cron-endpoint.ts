import { createHash, timingSafeEqual } from 'node:crypto'
import { createJsonLineLogger, describeError, type Logger } from '@cronwarden/core'
import { parseOptions } from '@cronwarden/core/plugin'
import { z } from 'zod'
import { type FetchHandler, json } from './http-response.ts'
import { createSupabaseJwtVerifier, supabaseJwtOptionsShape } from './supabase-jwt.ts'

/** The Vault secret pg_cron sends (supabase/schedule.sql) and the cron functions expect. */
export const CRON_SECRET_NAME = 'reminder_cron_secret'
/** The header that carries it. */
export const CRON_SECRET_HEADER = 'x-cron-secret'
/** Shorter than this, a stored secret is taken for a mistake and refuses every call. */
const MIN_SECRET_LENGTH = 32

export interface CronEndpointOptions {
  /** One run, started only for an authorised caller; answered as `{ ok: true, ...result }`. */
  run: () => Promise<Record<string, unknown>>
  /**
   * The shared secret the scheduler sends in `x-cron-secret`, read per call (the Edge
   * Functions read it from Vault, `vaultSecret(pool, 'reminder_cron_secret')`, so a rotated
   * secret takes effect at once and is kept in one place).
   */
  cronSecret: () => Promise<string>
  /** The project URL, for `service_role` tokens signed with the project's keys (see `createSupabaseJwtVerifier`). */
  supabaseUrl: string
  /** The legacy JWT secret, for the legacy `service_role` API key (an HS256 JWT). */
  jwtSecret?: string
  /** Where a secret that cannot be read is reported. Default: JSON lines. */
  logger?: Logger
}

const optionsSchema = z.strictObject({
  run: z.custom<CronEndpointOptions['run']>((value) => typeof value === 'function', 'expected a function'),
  cronSecret: z.custom<CronEndpointOptions['cronSecret']>((value) => typeof value === 'function', {
    message: 'expected a function resolving to the secret',
  }),
  ...supabaseJwtOptionsShape,
  logger: z.custom<Logger>().optional(),
})

/**
 * An endpoint that starts a scheduled run for the scheduler only: a request carrying the
 * shared secret in `x-cron-secret` (judged by it alone), or a bearer token of the project's
 * `service_role` (an operator starting a run by hand). No credentials, a wrong secret, or a
 * token the project did not sign is 401; a valid token of another role (the anon key, a
 * signed-in user, an admin) is 403; none of them starts anything. The secret is compared in
 * constant time; a secret that cannot be read answers 503 and starts nothing.
 */
export function createCronEndpoint(options: CronEndpointOptions): FetchHandler {
  const { run, cronSecret, supabaseUrl, jwtSecret, logger } = parseOptions(
    optionsSchema,
    options,
    'createCronEndpoint options',
  )
  const verifier = createSupabaseJwtVerifier({ supabaseUrl, ...(jwtSecret === undefined ? {} : { jwtSecret }) })
  const log = logger ?? createJsonLineLogger('reminder-cron')

  async function refusal(request: Request): Promise<Response | null> {
    const presented = request.headers.get(CRON_SECRET_HEADER)
    if (presented !== null) {
      let expected: string
      try {
        expected = await cronSecret()
      } catch (error) {
        log.error('the cron secret could not be read', { secret: CRON_SECRET_NAME, error: describeError(error) })
        return json(503, { ok: false, error: 'cannot check the caller right now' })
      }
      if (expected.length < MIN_SECRET_LENGTH) {
        log.error(`the cron secret is shorter than ${MIN_SECRET_LENGTH} characters; every call is refused`, {
          secret: CRON_SECRET_NAME,
        })
        return json(503, { ok: false, error: 'cannot check the caller right now' })
      }
      return sameSecret(presented, expected) ? null : json(401, { ok: false, error: 'invalid credentials' })
    }
    const token = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
    if (!token) return json(401, { ok: false, error: 'missing credentials' })
    const check = await verifier.verifyServiceRoleToken(token)
    return check.ok ? null : json(check.status, { ok: false, error: check.error })
  }

  return async (request) => {
    const refused = await refusal(request)
    if (refused) return refused
    try {
      return json(200, { ok: true, ...(await run()) })
    } catch (error) {
      // The run is already recorded (and alerted on); the caller only needs to know it failed.
      return json(500, { ok: false, error: error instanceof Error ? error.message : String(error) })
    }
  }
}

/**
 * Constant time in the secret's content and length: both sides are hashed first, so
 * `timingSafeEqual` compares equal lengths and a wrong length answers as fast as a wrong byte.
 */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(presented), digest(expected))
}
