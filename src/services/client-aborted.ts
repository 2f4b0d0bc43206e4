// Whether the client closed the connection before its request arrived whole: the socket is gone and
// the HTTP parser never saw the end of the body (`complete` stays false). This is what Node's own
// (deprecated) `req.aborted` means, and what Fastify's onRequestAbort hook fires on.
import type { IncomingMessage } from 'node:http'

export function clientAborted (raw: IncomingMessage): boolean {
  return raw.destroyed && !raw.complete
}
