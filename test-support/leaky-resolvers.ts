/**
 * Resolvers (a `webhookUrl`, `url` or `headers` function) that hand a channel its secret in
 * every way that could leak it into an error: a throw, a rejection with a string or an Error
 * cause quoting it, a Symbol or a String object describing it. Each as `[what it does, fn]`.
 */
export function leakyResolvers(secret: string): Array<[string, () => unknown]> {
  return [
    ['throws synchronously', () => JSON.parse('{')],
    ['rejects with a string quoting the URL', () => Promise.reject(`no secret at ${secret}`)],
    ['rejects with an Error whose cause quotes the URL', () => Promise.reject(new Error('x', { cause: secret }))],
    ['resolves to a Symbol describing the URL', async () => Symbol(secret)],
    ['resolves to a String object', async () => new String(secret)],
  ]
}
