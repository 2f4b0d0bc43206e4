// A pino destination for in-process tests (a pino instance's, or a Fastify logger's `stream`): it keeps
// every JSON line, and resolves `seen` when the given event is logged, so a test waits on what the code
// says it did instead of polling or sleeping.
export interface LogCapture {
  write: (chunk: string) => void
  lines: Array<Record<string, unknown>>
  /** Resolves on the first line whose `event` field is the one asked for (never, when none was). */
  seen: Promise<void>
}

export function logCapture (event?: string): LogCapture {
  let markSeen = (): void => {}
  const seen = new Promise<void>(resolve => { markSeen = resolve })
  const lines: Array<Record<string, unknown>> = []
  return {
    lines,
    seen,
    write (chunk: string) {
      // pino writes one line per call; splitting costs nothing and holds if a chunk ever carries more.
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue
        const parsed = JSON.parse(line) as Record<string, unknown>
        lines.push(parsed)
        if (event !== undefined && parsed.event === event) markSeen()
      }
    }
  }
}
