// A TCP proxy on loopback in front of Postgres that a test can cut (every open connection reset, new
// ones refused) and restore: "the database is gone for a while" without touching the real server.
import net from 'node:net'
import { once } from 'node:events'

export interface TcpProxy {
  port: number
  /** Connections currently passing through. */
  open: () => number
  cut: () => void
  restore: () => void
  close: () => Promise<void>
}

export async function startTcpProxy (target: { host: string, port: number }): Promise<TcpProxy> {
  let up = true
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    if (!up) { client.destroy(); return }
    const upstream = net.connect(target.port, target.host)
    sockets.add(client); sockets.add(upstream)
    const drop = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream) }
    client.on('error', drop); upstream.on('error', drop)
    client.on('close', drop); upstream.on('close', drop)
    client.pipe(upstream); upstream.pipe(client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    open: () => sockets.size / 2,
    cut () {
      up = false
      for (const s of sockets) s.resetAndDestroy()
      sockets.clear()
    },
    restore () { up = true },
    async close () {
      up = false
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
