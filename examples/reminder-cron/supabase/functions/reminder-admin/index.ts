// Supabase Edge Function (Deno): the admin correction endpoint. The handler is the same
// fetch-style function the Node server runs; only the database client and the serving differ.
// Everything it imports lives under supabase/functions, so a deploy uploads all it needs.
//
//   supabase secrets set LEGACY_JWT_SECRET=<legacy JWT secret>   # only while users' tokens are HS256
//   supabase functions deploy reminder-admin
//
// SUPABASE_URL and SUPABASE_DB_URL are set by the platform. verify_jwt (on by default) checks
// the token at the gateway too; the handler verifies it again (against the project's JWKS,
// and the legacy secret when set), because it needs the role from its claims.
import pg from 'pg'
import { createAdminHandler } from '../_shared/admin-handler.ts'
import { fromPg } from '../_shared/db.ts'

const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
const supabaseUrl = Deno.env.get('SUPABASE_URL')
if (!databaseUrl || !supabaseUrl) throw new Error('SUPABASE_DB_URL and SUPABASE_URL must be set')
const jwtSecret = Deno.env.get('LEGACY_JWT_SECRET')

// One connection per isolate: each request is a single SQL function call.
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
// Created once per isolate, so the JWKS is fetched once and cached across requests.
const handler = createAdminHandler({ db: fromPg(pool), supabaseUrl, ...(jwtSecret ? { jwtSecret } : {}) })

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
