// The proofs' (and bench/load-harness.ts's) way to run a real server: production mode, named in its
// log lines, started once GET /readyz answers. The process handling itself is test/helpers/server-process.ts.
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'

export type { ServerProcess } from '../helpers/server-process.js'

export async function startServer (name: string, env: Record<string, string>, opts: { readyTimeoutMs?: number, waitReady?: boolean } = {}): Promise<ServerProcess> {
  return await spawnServer({ NODE_ENV: 'production', ...env }, { name, waitFor: opts.waitReady === false ? 'nothing' : 'ready', readyTimeoutMs: opts.readyTimeoutMs })
}

/** Matches a server's log line about one job: its `event`, and any other fields given (e.g. `attempt`). */
export function jobEvent (jobId: string, event: string, fields: Record<string, unknown> = {}): (line: Record<string, unknown>) => boolean {
  return (l) => l.job_id === jobId && l.event === event && Object.entries(fields).every(([k, v]) => l[k] === v)
}
