import { parseOptions } from '@cronwarden/core/plugin'
import { type JWTPayload, errors as joseErrors, jwtVerify } from 'jose'
import { z } from 'zod'
import type { Db } from './db.js'
import { clockSchema, dbSchema } from './options.js'

export type AdminRole = 'admin' | 'coordinator'

export interface AdminHandlerOptions {
  db: Db
  /** The project's JWT secret (Supabase: Settings → API → JWT secret); tokens are HS256. */
  jwtSecret: string
  /** Values of `app_metadata.role` allowed to correct. Default `['admin', 'coordinator']`. */
  allowedRoles?: AdminRole[]
  /** The clock for "not in the future". Default: the system clock. */
  now?: () => Date
}

/** A fetch-style handler: the same function serves node:http and a Supabase Edge Function. */
export type FetchHandler = (request: Request) => Promise<Response>

const optionsSchema = z.strictObject({
  db: dbSchema,
  jwtSecret: z.string().min(32, 'expected the JWT secret (at least 32 characters)'),
  allowedRoles: z
    .array(z.enum(['admin', 'coordinator']))
    .min(1)
    .default(['admin', 'coordinator']),
  now: clockSchema.optional(),
})

const bodySchema = z.strictObject({
  /** A day (`2026-01-05`, midnight UTC) or an instant with an offset. */
  last_contact_date: z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'expected an ISO date (YYYY-MM-DD) or date-time with offset',
  }),
  reason: z.string().trim().min(1, 'expected a reason').max(500),
})

// Where the role is read: `app_metadata` is set by the server (service role or an auth hook)
// and cannot be edited by the user, unlike `user_metadata`; the top-level `role` is the
// Postgres role (`authenticated`), the same for every signed-in user.
const claimsSchema = z.object({
  sub: z.string().min(1),
  app_metadata: z.object({ role: z.string() }),
})

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
  const { db, jwtSecret, allowedRoles, now } = parseOptions(optionsSchema, options, 'createAdminHandler options')
  const key = new TextEncoder().encode(jwtSecret)
  const clock = now ?? (() => new Date())

  return async (request) => {
    const match = ROUTE.exec(new URL(request.url).pathname)
    if (!match) return json(404, { error: 'not found' })
    if (request.method !== 'POST') return json(405, { error: 'method not allowed' }, { allow: 'POST' })

    const token = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
    if (!token) return unauthorized('missing bearer token')
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] }))
    } catch (error) {
      return unauthorized(error instanceof joseErrors.JWTExpired ? 'token expired' : 'invalid token')
    }
    const claims = claimsSchema.safeParse(payload)
    const role = claims.success ? claims.data.app_metadata.role : null
    if (!claims.success || !allowedRoles.some((allowed) => allowed === role)) {
      return json(403, { error: `requires app_metadata.role ${allowedRoles.join(' or ')}` })
    }

    let raw: unknown
    try {
      raw = JSON.parse(await request.text())
    } catch {
      return json(400, { error: 'expected a JSON body' })
    }
    const body = bodySchema.safeParse(raw)
    if (!body.success) {
      return json(400, {
        error: 'invalid body',
        issues: body.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      })
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

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'content-type': 'application/json' },
  })
}
