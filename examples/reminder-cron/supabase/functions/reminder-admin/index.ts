// Supabase Edge Function (Deno): the admin correction endpoint. The handler is the same
// fetch-style function the Node server runs; only the database client and the serving differ.
//
//   supabase secrets set ADMIN_JWT_SECRET=<Settings → API → JWT secret>
//   supabase functions deploy reminder-admin
//
// SUPABASE_DB_URL is set by the platform. verify_jwt (on by default) checks the token at the
// gateway too; the handler checks it again, because it needs the role from its claims.
import pg from 'pg'
import { createAdminHandler } from '../../../src/admin-handler.ts'
import { fromPg } from '../../../src/db.ts'

const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
const jwtSecret = Deno.env.get('ADMIN_JWT_SECRET')
if (!databaseUrl || !jwtSecret) throw new Error('SUPABASE_DB_URL and ADMIN_JWT_SECRET must be set')

// One connection per isolate: each request is a single SQL function call.
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
const handler = createAdminHandler({ db: fromPg(pool), jwtSecret })

Deno.serve(async (request) => {
  try {
    return await handler(request)
  } catch (error) {
    console.error('reminder-admin failed', error instanceof Error ? error.message : String(error))
    return new Response(JSON.stringify({ error: 'internal error' }), {
      status: 500,
      headers: { 'content-type': 'application/json' },
    })
  }
})
