// A stand-in for Google's published keys: an RS256 key pair whose public half is served as a JWKS on
// loopback, and a signer for tokens shaped like the ones Cloud Scheduler sends.
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'

export interface OidcIssuer {
  jwksUrl: string
  /** How many times the JWKS was fetched. */
  fetches: () => number
  sign: (claims: Record<string, unknown>, opts?: { key?: CryptoKey, kid?: string, expiresIn?: string | number, issuer?: string }) => Promise<string>
  /** A key Google never published, for "wrong key" cases. */
  foreignKey: CryptoKey
  close: () => Promise<void>
}

export async function startOidcIssuer (): Promise<OidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const foreign = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' }
  let fetches = 0
  const server: Server = createServer((req, res) => {
    fetches++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    jwksUrl: `http://127.0.0.1:${port}/oauth2/v3/certs`,
    fetches: () => fetches,
    foreignKey: foreign.privateKey,
    async sign (claims, opts = {}) {
      return await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'test-key-1', typ: 'JWT' })
        .setIssuer(opts.issuer ?? 'https://accounts.google.com')
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '1h')
        .sign(opts.key ?? privateKey)
    },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
