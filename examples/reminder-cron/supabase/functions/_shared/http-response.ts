/** A fetch-style handler: the same function serves node:http and a Supabase Edge Function. */
export type FetchHandler = (request: Request) => Promise<Response>

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'content-type': 'application/json' },
  })
}
