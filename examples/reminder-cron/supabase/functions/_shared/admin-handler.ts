import { parseOptions } from '@cronwarden/core/plugin'
import { z } from 'zod'
import type { Db } from './db.ts'
import { type FetchHandler, json } from './http-response.ts'
import { clockSchema, dbSchema } from './options.ts'
import { createSupabaseJwtVerifier, supabaseJwtOptionsShape } from './supabase-jwt.ts'

export type AdminRole = 'admin' | 'coordinator'

export interface AdminHandlerOptions {
  db: Db
  /**
   * The project URL (`SUPABASE_URL`): tokens signed with the project's JWT signing keys
   * (ES256/RS256) are checked against `<url>/auth/v1/.well-known/jwks.json`, and every token
   * must be issued by `<url>/auth/v1` for the audience `authenticated`.
   */
  supabaseUrl: string
  /** The legacy JWT secret, for projects still signing users' tokens with HS256. Without it, HS256 tokens are refused. */
  jwtSecret?: string
  /** Values of `app_metadata.role` allowed to correct. Default `['admin', 'coordinator']`. */
  allowedRoles?: AdminRole[]
  /** The clock for "not in the future". Default: the system clock. */
  now?: () => Date
}

const optionsSchema = z.strictObject({
  db: dbSchema,
  ...supabaseJwtOptionsShape,
  allowedRoles: z
    .array(z.enum(['admin', 'coordinator']))
    .min(1)
    .default(['admin', 'coordinator']),
  now: clockSchema.optional(),
})

// Postgres text cannot hold U+0000: refused here, naming the field, not by the database as a 500.
const noNul = (value: string) => !value.includes('\u0000')
const NUL_MESSAGE = 'may not contain a NUL character'

const bodySchema = z.strictObject({
  /** A day (`2026-01-05`, midnight UTC) or an instant with an offset. */
  last_contact_date: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'expected an ISO date (YYYY-MM-DD) or date-time with offset',
    })
    // Year 0 does not exist in Postgres (1 BC is followed by AD 1); an offset can also carry
    // 0001-01-01T00:30+01:00 back into year 0 in UTC.
    .refine((value) => new Date(value).getUTCFullYear() >= 1, 'expected a date from 0001-01-01 on'),
  reason: z.string().trim().min(1, 'expected a reason').max(500).refine(noNul, NUL_MESSAGE),
})

// Where the role is read: `app_metadata` is set by the server (service role or an auth hook)
// and cannot be edited by the user, unlike `user_metadata`; the top-level `role` is the
// Postgres role (`authenticated`), the same for every signed-in user.
const claimsSchema = z.object({
  sub: z.string().min(1),
  app_metadata: z.object({ role: z.string() }),
})

const issuesOf = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))

const ROUTE = /\/assignments\/(\d{1,9})\/last-contact-date$/

interface AssignmentRow {
  id: number
  mentor_id: number
  status: string
  last_contact_date: Date
  reminder_interval: string
}

/**
 * `POST …/assignments/:id/last-contact-date` with `{ last_contact_date, reason }` and a bearer
 * JWT whose `app_metadata.role` is admin or coordinator. Sets the date (backwards too: this
 * is the one path the database allows to do so) and writes the audit row in the same
 * transaction, through `reminders.correct_last_contact_date`.
 */
export function createAdminHandler(options: AdminHandlerOptions): FetchHandler {
  const { db, supabaseUrl, jwtSecret, allowedRoles, now } = parseOptions(
    optionsSchema,
    options,
    'createAdminHandler options',
  )
  // One verifier per handler, so one JWKS cache per process (or Edge Function isolate).
  const verifier = createSupabaseJwtVerifier({ supabaseUrl, ...(jwtSecret === undefined ? {} : { jwtSecret }) })
  const clock = now ?? (() => new Date())

  return async (request) => {
    const match = ROUTE.exec(new URL(request.url).pathname)
    if (!match) return json(404, { error: 'not found' })
    if (request.method !== 'POST') return json(405, { error: 'method not allowed' }, { allow: 'POST' })

    const token = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
    if (!token) return unauthorized('missing bearer token')
    const check = await verifier.verifyUserToken(token)
    if (!check.ok) return check.status === 401 ? unauthorized(check.error) : json(check.status, { error: check.error })
    const claims = claimsSchema.safeParse(check.claims)
    const role = claims.success ? claims.data.app_metadata.role : null
    if (!claims.success || !allowedRoles.some((allowed) => allowed === role)) {
      return json(403, { error: `requires app_metadata.role ${allowedRoles.join(' or ')}` })
    }
    // The actor of the audit row: a NUL in it is refused, as in the body.
    if (!noNul(claims.data.sub)) {
      return json(400, { error: 'invalid token claims', issues: [{ path: 'sub', message: NUL_MESSAGE }] })
    }

    let raw: unknown
    try {
      raw = JSON.parse(await request.text())
    } catch {
      return json(400, { error: 'expected a JSON body' })
    }
    const body = bodySchema.safeParse(raw)
    if (!body.success) {
      return json(400, { error: 'invalid body', issues: issuesOf(body.error) })
    }
    const newValue = new Date(body.data.last_contact_date)
    if (newValue.getTime() > clock().getTime()) {
      return json(400, { error: 'last_contact_date may not be in the future' })
    }

    let rows: AssignmentRow[]
    try {
      ;({ rows } = await db.query<AssignmentRow>(
        `select id, mentor_id, status, last_contact_date, reminder_interval::text as reminder_interval
           from reminders.correct_last_contact_date($1, $2::timestamptz, $3, $4, $5)`,
        [Number(match[1]), newValue.toISOString(), claims.data.sub, role, body.data.reason],
      ))
    } catch (error) {
      // The database's own clock has the last word on "future".
      if ((error as { code?: unknown }).code === '23514') {
        return json(400, { error: 'last_contact_date may not be in the future' })
      }
      throw error
    }
    const assignment = rows[0]
    if (!assignment) return json(404, { error: 'unknown assignment' })
    return json(200, {
      assignment: { ...assignment, last_contact_date: new Date(assignment.last_contact_date).toISOString() },
    })
  }
}

function unauthorized(message: string): Response {
  return json(401, { error: message }, { 'www-authenticate': 'Bearer' })
}
