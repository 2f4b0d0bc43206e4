// The proofs' (and bench/load-harness.ts's) way to run a real server: production mode, named in its
// log lines, started once GET /readyz answers. The process handling itself is test/helpers/server-process.ts.
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'

export type { ServerProcess } from '../helpers/server-process.js'

export async function startServer (name: string, env: Record<string, string>, opts: { readyTimeoutMs?: number, waitReady?: boolean } = {}): Promise<ServerProcess> {
  return await spawnServer({ NODE_ENV: 'production', ...env }, { name, waitFor: opts.waitReady === false ? 'nothing' : 'ready', readyTimeoutMs: opts.readyTimeoutMs })
}
