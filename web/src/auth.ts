// Who the page speaks for. Development mode: the shop typed in the page, sent as X-Shop-Domain.
// Shopify mode: a session token, from App Bridge when embedded in the admin, else from ?token=.

import { normaliseShop, type AuthMode } from './auth-mode.js'

export type { AuthMode }

interface AppBridge { idToken: () => Promise<string> }
declare global {
  interface Window { shopify?: AppBridge }
}

const SHOP_KEY = 'bundle-api.shop'

/**
 * The shop this tab speaks for. sessionStorage keeps it per tab (two tabs, two shops); localStorage
 * remembers the last one chosen, for new tabs. `?shop=` wins, so a link can open a given shop.
 */
export function initialShop (): string {
  const fromQuery = new URLSearchParams(location.search).get('shop')
  const candidates = [fromQuery, safeGet(sessionStorage, SHOP_KEY), safeGet(localStorage, SHOP_KEY)]
  for (const c of candidates) {
    if (c === null) continue
    const shop = normaliseShop(c)
    if (shop !== null) return shop
  }
  return ''
}

export function rememberShop (shop: string): void {
  safeSet(sessionStorage, SHOP_KEY, shop)
  safeSet(localStorage, SHOP_KEY, shop)
}

/** Puts the chosen shop in the address, since `?shop=` wins on a reload (no entry is added to history). */
export function showShopInAddress (shop: string): void {
  const url = new URL(location.href)
  if (shop === '') url.searchParams.delete('shop')
  else url.searchParams.set('shop', shop)
  history.replaceState(history.state, '', url)
}

function safeGet (store: Storage, key: string): string | null {
  try { return store.getItem(key) } catch { return null } // storage can be disabled
}

function safeSet (store: Storage, key: string, value: string): void {
  try {
    if (value === '') store.removeItem(key)
    else store.setItem(key, value)
  } catch { /* storage disabled: the choice lasts for this page only */ }
}

/** App Bridge gave no session token (the admin session ended, or App Bridge failed): nothing was sent. */
export class SessionUnavailableError extends Error {
  override readonly name = 'SessionUnavailableError'
}

export class Session {
  constructor (readonly mode: AuthMode, public shop: string) {}

  /** False in Shopify mode when there is neither App Bridge nor a ?token= to authenticate with. */
  get hasCredentials (): boolean {
    if (this.mode === 'development') return true
    return window.shopify !== undefined || (new URLSearchParams(location.search).get('token') ?? '') !== ''
  }

  /** Headers for one request; Shopify session tokens live a minute, so one is fetched per request. */
  async headers (): Promise<Record<string, string>> {
    if (this.mode === 'development') return this.shop === '' ? {} : { 'X-Shop-Domain': this.shop }
    const token = window.shopify !== undefined
      ? await window.shopify.idToken().catch((e: unknown) => { throw new SessionUnavailableError(String(e)) })
      : new URLSearchParams(location.search).get('token')
    return token === null || token === '' ? {} : { Authorization: `Bearer ${token}` }
  }
}
