import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAssignment, createMentor, lastContactDate } from '../src/seed.js'
import { createServerDatabase, type ServerDatabase, serverAvailable } from './support/databases.js'

const jwtSecret = 'test-only-jwt-secret-with-at-least-32-characters'
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const hasServer = await serverAvailable()

async function token(role: string) {
  return new SignJWT({ role: 'authenticated', app_metadata: { role } })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`${role}-1`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(jwtSecret))
}

/** Starts the Edge Function under Deno on a free port; resolves with its base URL. */
function startFunction(databaseUrl: string): Promise<{ url: string; process: ChildProcess }> {
  const deno = spawn(
    here('../node_modules/.bin/deno'),
    [
      'run',
      '--config',
      here('./deno/deno.json'),
      '--allow-net',
      '--allow-env',
      '--allow-read',
      here('../supabase/functions/reminder-admin/index.ts'),
    ],
    {
      env: {
        ...process.env,
        NO_COLOR: '1',
        DENO_SERVE_ADDRESS: 'tcp:127.0.0.1:0',
        SUPABASE_DB_URL: databaseUrl,
        ADMIN_JWT_SECRET: jwtSecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/[^/\s]+)/.exec(output)
      if (match?.[1]) resolve({ url: match[1], process: deno })
    }
    deno.stdout.on('data', onData)
    deno.stderr.on('data', onData)
    deno.once('exit', (code) => reject(new Error(`deno exited with ${code} before listening:\n${output}`)))
  })
}

describe.skipIf(!hasServer)('the admin Edge Function under Deno against the PostgreSQL server', () => {
  let server: ServerDatabase
  let edge: { url: string; process: ChildProcess }
  let assignmentId: number

  beforeAll(async () => {
    server = await createServerDatabase()
    const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
    assignmentId = await createAssignment(server.db, { mentorId, lastContactDate: new Date('2026-01-10T08:00:00Z') })
    // The first run downloads the npm: packages into Deno's cache.
    edge = await startFunction(server.url)
  }, 180_000)
  afterAll(async () => {
    if (edge && edge.process.exitCode === null) {
      const exited = new Promise((resolve) => edge.process.once('exit', resolve))
      edge.process.kill()
      await exited
    }
    await server?.drop()
  })

  const correct = async (bearer: string | null) =>
    fetch(`${edge.url}/reminder-admin/assignments/${assignmentId}/last-contact-date`, {
      method: 'POST',
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      body: JSON.stringify({ last_contact_date: '2026-01-02', reason: 'entered on paper' }),
    })

  it('answers 401 without a token and 403 for a mentor', async () => {
    expect((await correct(null)).status).toBe(401)
    expect((await correct(await token('mentor'))).status).toBe(403)
  })

  it('sets the date and writes the audit row for a coordinator', async () => {
    const response = await correct(await token('coordinator'))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      assignment: { id: assignmentId, last_contact_date: '2026-01-02T00:00:00.000Z' },
    })
    expect(await lastContactDate(server.db, assignmentId)).toEqual(new Date('2026-01-02T00:00:00Z'))
    const { rows } = await server.db.query<{ actor: string; reason: string }>(
      'select actor, reason from reminders.admin_audit_log where assignment_id = $1',
      [assignmentId],
    )
    expect(rows).toEqual([{ actor: 'coordinator-1', reason: 'entered on paper' }])
  })
})
