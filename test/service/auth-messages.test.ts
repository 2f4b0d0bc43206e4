// A refused session token is told what was wrong and what to send instead.
import t from 'tap'
import { SignJWT, UnsecuredJWT } from 'jose'
import { startTestApp } from '../helpers/app.js'

const API_KEY = 'test-api-key'
const API_SECRET = 'test-api-secret-0123456789abcdef'
const now = (): number => Math.floor(Date.now() / 1000)

async function token (claims: Record<string, unknown> = {}, secret = API_SECRET): Promise<string> {
  const shop = 'demo.myshopify.com'
  return await new SignJWT({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: API_KEY, exp: now() + 60, nbf: now() - 5, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret))
}

t.test('every refused session token says why and what to send', async (t) => {
  const { app } = await startTestApp(t, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET }, { workers: false })
  const cases: Array<[string, string, RegExp]> = [
    ['expired', await token({ exp: now() - 60 }), /session token expired/],
    ['another app', await token({ aud: 'another-app' }), /wrong audience/],
    ['wrong signature', await token({}, 'another-secret-0123456789abcdef'), /signature is invalid/],
    ['alg none', new UnsecuredJWT({ dest: 'https://demo.myshopify.com', iss: 'https://demo.myshopify.com/admin', aud: API_KEY, exp: now() + 60 }).encode(), /signed with HS256/],
    ['not a shop', await token({ dest: 'https://evil.example', iss: 'https://evil.example/admin' }), /not for a \*\.myshopify\.com shop/],
    ['shops differ', await token({ iss: 'https://other.myshopify.com/admin' }), /issuer and destination shops differ/],
    ['garbage', 'abc.def.ghi', /malformed/]
  ]
  for (const [name, value, why] of cases) {
    const res = await app.inject({ url: '/api/bundles/quick-install/status', headers: { authorization: `Bearer ${value}` } })
    t.equal(res.statusCode, 401, `${name}: 401`)
    const detail = String(res.json().detail)
    t.match(detail, why, `${name}: says why (${detail})`)
    t.match(detail, /Send a current Shopify session token of this app .* as Authorization: Bearer <token>\.$/, `${name}: says what to send`)
  }
})
