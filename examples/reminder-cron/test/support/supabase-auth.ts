import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'

/** An asymmetric JWT signing key, as Supabase keeps one per project (ES256 by default, or RS256). */
export interface SigningKey {
  kid: string
  alg: 'ES256' | 'RS256'
  privateKey: CryptoKey
  publicJwk: JWK
}

export async function createSigningKey(
  alg: 'ES256' | 'RS256' = 'ES256',
  kid = crypto.randomUUID(),
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/**
 * A stand-in for a project's Supabase Auth, as far as tokens go: a real node:http server on
 * 127.0.0.1 publishing the public keys at `/auth/v1/.well-known/jwks.json` (what
 * `createRemoteJWKSet` fetches), the legacy HS256 secret, and tokens shaped as Supabase
 * issues them.
 */
export interface SupabaseAuthStandIn {
  /** The project URL (`SUPABASE_URL`). */
  url: string
  /** `<url>/auth/v1`, the `iss` of users' access tokens. */
  issuer: string
  /** The legacy JWT secret (HS256). */
  jwtSecret: string
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number
  /** The keys the JWKS publishes from now on. */
  publish(keys: SigningKey[]): void
  /** A signed-in user's access token: aud `authenticated`, iss `<url>/auth/v1`, 1 h, signed with `key` (or HS256 with the legacy secret). */
  userToken(claims: Record<string, unknown>, options?: TokenOptions): Promise<string>
  /** A legacy API key (`anon`, `service_role`): HS256 with the legacy secret, iss `supabase`, no `aud`, ten years. */
  legacyApiKey(role: 'anon' | 'service_role'): Promise<string>
  close(): Promise<void>
}

export interface TokenOptions {
  /** The signing key; `'legacy'` signs HS256 with the legacy secret. Default: the first published key. */
  key?: SigningKey | 'legacy'
  /** Override `iss` (`null` leaves it out). */
  issuer?: string | null
  /** Override `aud` (`null` leaves it out). */
  audience?: string | null
  expiresAt?: Date
}

export async function startSupabaseAuth(keys: SigningKey[]): Promise<SupabaseAuthStandIn> {
  let published = keys
  let jwksFetches = 0
  const server = createServer((request, response) => {
    if (request.url !== '/auth/v1/.well-known/jwks.json') {
      response.writeHead(404).end()
      return
    }
    jwksFetches += 1
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const issuer = `${url}/auth/v1`
  const jwtSecret = 'legacy-jwt-secret-for-tests-only-at-least-32-characters'
  const legacyKey = new TextEncoder().encode(jwtSecret)

  return {
    url,
    issuer,
    jwtSecret,
    get jwksFetches() {
      return jwksFetches
    },
    publish(keys) {
      published = keys
    },
    async userToken(claims, options = {}) {
      const key = options.key ?? published[0] ?? 'legacy'
      let jwt = new SignJWT({ role: 'authenticated', ...claims })
        .setProtectedHeader(
          key === 'legacy' ? { alg: 'HS256', typ: 'JWT' } : { alg: key.alg, kid: key.kid, typ: 'JWT' },
        )
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? new Date(Date.now() + 3_600_000))
      if (typeof claims.sub !== 'string') jwt = jwt.setSubject('user-1')
      const iss = options.issuer === undefined ? issuer : options.issuer
      if (iss !== null) jwt = jwt.setIssuer(iss)
      const aud = options.audience === undefined ? 'authenticated' : options.audience
      if (aud !== null) jwt = jwt.setAudience(aud)
      return jwt.sign(key === 'legacy' ? legacyKey : key.privateKey)
    },
    legacyApiKey(role) {
      return new SignJWT({ iss: 'supabase', ref: 'testproject', role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('3650d')
        .sign(legacyKey)
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}

/** An unsigned token (`alg: none`), which no verifier may accept. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.`
}
