/** The few log calls cronwarden makes; pino, winston and console-like objects fit. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * One JSON object per line: hosted log viewers (Supabase Edge Function logs among them)
 * index these fields. Warnings and errors go to stderr so their level survives.
 */
export function createJsonLineLogger(source = 'cronwarden'): Logger {
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ level, source, message, ...fields }, replaceErrors)
    if (level === 'info') console.log(line)
    else console.error(line)
  }
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  }
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
}

/** Errors serialise to `{}` by default; keep their name and message (never their stack). */
function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}
