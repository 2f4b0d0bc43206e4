// Which way the page authenticates, and shop names: pure, unit-tested (auth.ts does the browser part).

export type AuthMode = 'development' | 'shopify'

const SHOP_PATTERN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/

/** Reads the auth mode from /readyz (`auth_mode` or `auth`), else guesses from the page's context. */
export function authModeFrom (readyz: unknown, hasAppBridge: boolean, hasToken: boolean): AuthMode {
  if (readyz !== null && typeof readyz === 'object') {
    const r = readyz as Record<string, unknown>
    const auth = r.auth_mode ?? r.auth ?? r.mode
    const word = typeof auth === 'string' ? auth : (auth !== null && typeof auth === 'object' ? (auth as Record<string, unknown>).mode : undefined)
    if (typeof word === 'string') {
      if (/shopify|session|jwt|token/i.test(word)) return 'shopify'
      if (/dev/i.test(word)) return 'development'
    }
  }
  return hasAppBridge || hasToken ? 'shopify' : 'development'
}

/** A shop domain as the service expects it, or null: "Demo.myshopify.com " → "demo.myshopify.com". */
export function normaliseShop (input: string): string | null {
  let s = input.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '')
  if (s === '') return null
  if (!s.includes('.')) s = `${s}.myshopify.com`
  return SHOP_PATTERN.test(s) ? s : null
}
