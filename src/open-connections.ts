// The server's open connections, so that shutdown can cut the ones still busy once its time is up:
// server.close() waits for every request in flight (a slow upload, a slow download, a half-sent request
// head), and until it returns Fastify's onClose hooks (pg-boss, the LISTEN connection, the database)
// do not run. Fastify's forceCloseConnections only closes idle connections, and HTTP/2 sessions only
// gracefully (GOAWAY, then waiting for their streams).
import type { Server } from 'node:http'
import type { Http2Server, ServerHttp2Session } from 'node:http2'
import type { Socket } from 'node:net'

export interface OpenConnections {
  /** Destroys every open connection (HTTP/2: its session first) and each one opened after this. Returns how many. */
  cut: () => number
}

export function trackConnections (server: Server | Http2Server): OpenConnections {
  const sockets = new Set<Socket>()
  const sessions = new Set<ServerHttp2Session>()
  let cutting = false
  server.on('connection', (socket: Socket) => {
    if (cutting) { socket.destroy(); return }
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session)
    session.once('close', () => sessions.delete(session))
  })
  return {
    cut () {
      cutting = true
      const count = sockets.size
      for (const session of sessions) session.destroy()
      // Every connection came through 'connection' above (HTTP/1 and HTTP/2 alike): destroying them is
      // what HTTP/1's closeAllConnections() would do, and covers HTTP/2, which has none.
      for (const socket of sockets) socket.destroy()
      return count
    }
  }
}
