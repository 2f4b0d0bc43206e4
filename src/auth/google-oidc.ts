// Verifies the OIDC identity token Cloud Scheduler attaches with `--oidc-service-account-email`:
// signed by Google (RS256, keys from Google's published JWKS), issued by accounts.google.com, for our
// audience, for the one service account we trust, with a verified e-mail, and not expired.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from 'jose'

// Google writes both forms into `iss`.
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com']

export interface GoogleOidcSettings {
  /** Where Google's signing keys are published (a setting so tests can serve their own). */
  jwksUrl: string
  /** The `aud` Cloud Scheduler was told to put in the token (usually the endpoint URL). */
  audience: string
  /** The only service account whose tokens are accepted. */
  serviceAccountEmail: string
  /** Tolerated clock difference, seconds. */
  clockToleranceSeconds?: number
}

export type OidcVerdict =
  | { ok: true, email: string }
  | { ok: false, reason: string }

export type GoogleOidcVerifier = (token: string) => Promise<OidcVerdict>

export function createGoogleOidcVerifier (settings: GoogleOidcSettings): GoogleOidcVerifier {
  // The key set caches keys and refetches (rate-limited) when a token names an unknown `kid`.
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000 })
  const expectedEmail = settings.serviceAccountEmail.toLowerCase()

  return async function verifyGoogleOidcToken (token) {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        issuer: GOOGLE_ISSUERS,
        audience: settings.audience,
        requiredClaims: ['exp', 'iat', 'email'],
        clockTolerance: settings.clockToleranceSeconds ?? 30
      })
      const email = typeof payload.email === 'string' ? payload.email.toLowerCase() : ''
      if (email !== expectedEmail) return { ok: false, reason: 'token is for another service account' }
      // Google sends a boolean; accept the string form some libraries produce.
      if (payload.email_verified !== true && payload.email_verified !== 'true') {
        return { ok: false, reason: 'token e-mail is not verified' }
      }
      return { ok: true, email }
    } catch (err) {
      return { ok: false, reason: describeJoseError(err) }
    }
  }
}

function describeJoseError (err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired'
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${err.claim}" rejected: ${err.reason}`
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature does not verify'
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'token signed by an unknown key'
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed'
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JOSEError) return `token rejected (${(err as Error).name})`
  return 'token could not be verified'
}
