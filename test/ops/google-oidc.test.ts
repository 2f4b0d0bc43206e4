// The cron endpoint's Google OIDC check, against keys served on loopback exactly as Google serves them.
import t from 'tap'
import { base64url, SignJWT } from 'jose'
import { createGoogleOidcVerifier } from '../../src/auth/google-oidc.js'
import { startOidcIssuer } from './oidc-keys.js'

const AUDIENCE = 'https://bundles.example.run.app/api/bundles/cron/cleanup-stuck-jobs'
const ACCOUNT = 'scheduler@demo-project.iam.gserviceaccount.com'

t.test('Google OIDC token verification', async (t) => {
  const issuer = await startOidcIssuer()
  t.teardown(issuer.close)
  const verify = createGoogleOidcVerifier({ jwksUrl: issuer.jwksUrl, audience: AUDIENCE, serviceAccountEmail: ACCOUNT })
  const good = { aud: AUDIENCE, email: ACCOUNT, email_verified: true, sub: '1234567890' }

  t.same(await verify(await issuer.sign(good)), { ok: true, email: ACCOUNT }, 'a correct token from the trusted account passes')
  t.equal((await verify(await issuer.sign(good, { issuer: 'accounts.google.com' }))).ok, true, 'the short issuer form Google also uses passes')

  const rejected: Array<[string, Promise<string>, RegExp]> = [
    ['wrong audience', issuer.sign({ ...good, aud: 'https://other.example/' }), /aud/],
    ['wrong e-mail', issuer.sign({ ...good, email: 'intruder@evil-project.iam.gserviceaccount.com' }), /another service account/],
    ['unverified e-mail', issuer.sign({ ...good, email_verified: false }), /not verified/],
    ['no e-mail', issuer.sign({ aud: AUDIENCE, email_verified: true }), /email/],
    ['expired', issuer.sign(good, { expiresIn: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ['wrong key with the published kid', issuer.sign(good, { key: issuer.foreignKey }), /signature/],
    ['wrong key with an unknown kid', issuer.sign(good, { key: issuer.foreignKey, kid: 'not-published' }), /unknown key/],
    ['wrong issuer', issuer.sign(good, { issuer: 'https://evil.example' }), /iss/]
  ]
  for (const [name, token, reason] of rejected) {
    const verdict = await verify(await token)
    t.equal(verdict.ok, false, `${name}: rejected`)
    if (!verdict.ok) t.match(verdict.reason, reason, `${name}: says why`)
  }

  // alg none and HS256 signed with the public key as secret: the classic confusion attacks.
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))
  const body = base64url.encode(JSON.stringify({ ...good, iss: 'https://accounts.google.com', exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) }))
  t.equal((await verify(`${header}.${body}.`)).ok, false, 'alg none rejected')
  const hs256 = await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' })
    .setIssuer('https://accounts.google.com').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('guessable'))
  const hsVerdict = await verify(hs256)
  t.equal(hsVerdict.ok, false, 'HS256 (symmetric) rejected')
  if (!hsVerdict.ok) t.match(hsVerdict.reason, /algorithm/, 'HS256: says the algorithm is not allowed')
  t.equal((await verify('not-a-jwt')).ok, false, 'garbage rejected')
  t.ok(issuer.fetches() >= 1, 'keys were fetched from the configured JWKS URL')
})

t.test('unreachable key URL rejects instead of hanging or accepting', async (t) => {
  const issuer = await startOidcIssuer()
  const token = await issuer.sign({ aud: AUDIENCE, email: ACCOUNT, email_verified: true })
  const url = issuer.jwksUrl
  await issuer.close()
  const verify = createGoogleOidcVerifier({ jwksUrl: url, audience: AUDIENCE, serviceAccountEmail: ACCOUNT })
  const verdict = await verify(token)
  t.equal(verdict.ok, false, 'no keys, no entry')
})
