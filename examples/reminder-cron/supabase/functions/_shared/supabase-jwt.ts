import { parseOptions } from '@cronwarden/core/plugin'
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose'
import { z } from 'zod'

export interface SupabaseJwtOptions {
  /**
   * The project URL (`https://<ref>.supabase.co`; `SUPABASE_URL` in an Edge Function). Tokens
   * signed with the project's asymmetric keys are checked against its JWKS at
   * `<url>/auth/v1/.well-known/jwks.json`; users' tokens must be issued by `<url>/auth/v1`.
   */
  supabaseUrl: string
  /**
   * The legacy JWT secret (Settings → JWT Keys → Legacy JWT Secret), for projects still signing
   * with it and for the legacy `anon` / `service_role` API keys, which are HS256 JWTs. Without
   * it every HS256 token is refused.
   */
  jwtSecret?: string
}

/** A verified token's claims, or how to answer the request that carried it. */
export type TokenCheck = { ok: true; claims: JWTPayload } | { ok: false; status: 401 | 403 | 503; error: string }

export interface SupabaseJwtVerifier {
  /**
   * A signed-in user's access token, as Supabase Auth issues it: a valid signature, not
   * expired, a `sub`, `iss` `<url>/auth/v1` and `aud` `authenticated`.
   */
  verifyUserToken(token: string): Promise<TokenCheck>
  /**
   * A token whose `role` claim is `service_role`: a valid signature and not expired. Issuer
   * and audience are not checked, because the legacy service_role key carries `iss: supabase`
   * and no `aud`; only the project's own keys can sign such a token. Another role is 403.
   */
  verifyServiceRoleToken(token: string): Promise<TokenCheck>
}

/** The options fragment of every handler that verifies Supabase tokens. */
export const supabaseJwtOptionsShape = {
  supabaseUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  jwtSecret: z.string().min(32, 'expected the legacy JWT secret (at least 32 characters)').optional(),
}

const optionsSchema = z.strictObject(supabaseJwtOptionsShape)

/** Supabase's asymmetric signing keys; `none` and HS256-with-a-public-key can never be chosen. */
const ASYMMETRIC = ['ES256', 'RS256'] as const

/**
 * Verifies tokens against the project's JWT signing keys: ES256/RS256 ones by their `kid` in
 * the project's JWKS, HS256 ones with the legacy secret when one is given.
 *
 * The JWKS is fetched on first use and cached by jose (`createRemoteJWKSet`, one cache per
 * verifier, so create one per process or isolate): kept 10 minutes, refetched sooner when a
 * token names a `kid` the cached set lacks, but at most once per 30 s. A token signed with a
 * just-rotated key is therefore refused (401) until 30 s after the last fetch; Supabase
 * publishes a standby key before it signs with it, so a process that fetched within the last
 * 10 minutes usually knows it already. Unknown kids cost at most one fetch per 30 s, whoever
 * sends them. A JWKS that cannot be fetched answers 503, not 401: the caller did nothing wrong.
 */
export function createSupabaseJwtVerifier(options: SupabaseJwtOptions): SupabaseJwtVerifier {
  const { supabaseUrl, jwtSecret } = parseOptions(optionsSchema, options, 'createSupabaseJwtVerifier options')
  const issuer = `${supabaseUrl}/auth/v1`
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`))
  const secret = jwtSecret === undefined ? undefined : new TextEncoder().encode(jwtSecret)
  const algorithms = secret ? [...ASYMMETRIC, 'HS256'] : [...ASYMMETRIC]
  // jose checks `alg` against `algorithms` before asking for a key, so HS256 reaches only the
  // secret and an asymmetric alg only the JWKS.
  const key: JWTVerifyGetKey = (header, token) => (header.alg === 'HS256' && secret ? secret : jwks(header, token))

  async function verify(token: string, claims: { issuer?: string; audience?: string; requiredClaims: string[] }) {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms, ...claims })
      return { ok: true, claims: payload } as const
    } catch (error) {
      return failure(error)
    }
  }

  return {
    verifyUserToken: (token) => verify(token, { issuer, audience: 'authenticated', requiredClaims: ['exp', 'sub'] }),
    async verifyServiceRoleToken(token) {
      const check = await verify(token, { requiredClaims: ['exp', 'role'] })
      if (check.ok && check.claims.role !== 'service_role') {
        return { ok: false, status: 403, error: 'requires the service_role' }
      }
      return check
    },
  }
}

function failure(error: unknown): TokenCheck {
  if (error instanceof joseErrors.JWTExpired) return { ok: false, status: 401, error: 'token expired' }
  // A JWKS we could not fetch, or could not read: not the token's fault.
  const unavailable =
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    !(error instanceof joseErrors.JOSEError) ||
    (error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(error.message))
  if (unavailable) return { ok: false, status: 503, error: 'cannot verify tokens right now' }
  return { ok: false, status: 401, error: 'invalid token' }
}
