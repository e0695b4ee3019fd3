/**
 * Authentication: `Authorization: ApiKey lgk_…` (keys from `guard keys create`), or `Authorization: Bearer
 * <JWT>` verified with a shared secret (HS256/384/512) or a JWKS URL (RS/PS/ES/EdDSA), with issuer and audience
 * when configured. No credentials: the anonymous role if configured, else 401. Bad credentials are always 401,
 * never a fallback to anonymous.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GuardConfig } from './config.js';
import { GuardError } from './errors.js';
import type { KeyTable } from './keys.js';

/** Who is asking. */
export interface Principal {
  /** Principal name (key's principal, JWT subject, or `anonymous`). */
  readonly name: string;
  readonly role: string;
  /** How they authenticated. */
  readonly via: 'apikey' | 'jwt' | 'anonymous';
}

type JwtVerify = (token: string) => Promise<Record<string, unknown>>;

/** Builds the JWT verifier of a configuration (loads `jose` only when JWT is configured). */
export async function createJwtVerifier(
  cfg: GuardConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<JwtVerify | undefined> {
  const j = cfg.auth.jwt;
  if (!j) return undefined;
  const jose = await import('jose');
  const opts = {
    ...(j.issuer ? { issuer: j.issuer } : {}),
    ...(j.audience ? { audience: j.audience } : {}),
  };
  if (j.secretEnv) {
    const secret = env[j.secretEnv];
    if (!secret || secret.length < 32) {
      const { ConfigError } = await import('../core/errors.js');
      throw new ConfigError('LG_KEY_MISSING', `JWT secret "${j.secretEnv}" is not set or shorter than 32 characters`, {
        location: { file: cfg.file, field: 'auth.jwt.secretEnv' },
      });
    }
    const key = new TextEncoder().encode(secret);
    return async (token) =>
      (await jose.jwtVerify(token, key, { ...opts, algorithms: ['HS256', 'HS384', 'HS512'] })).payload;
  }
  const jwks = jose.createRemoteJWKSet(new URL(j.jwksUrl as string), {
    timeoutDuration: 5000,
    cooldownDuration: 30_000,
  });
  return async (token) =>
    (
      await jose.jwtVerify(token, jwks, {
        ...opts,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      })
    ).payload;
}

/**
 * Authenticates a request.
 *
 * @throws GuardError LG_GUARD_UNAUTHENTICATED
 */
export async function authenticate(
  headers: IncomingHttpHeaders,
  cfg: GuardConfig,
  keys: KeyTable,
  jwt: JwtVerify | undefined,
): Promise<Principal> {
  const h = headers.authorization;
  if (h === undefined || h === '') {
    if (cfg.auth.anonymousRole) return { name: 'anonymous', role: cfg.auth.anonymousRole, via: 'anonymous' };
    throw new GuardError('LG_GUARD_UNAUTHENTICATED');
  }
  const sp = h.indexOf(' ');
  const scheme = sp > 0 ? h.slice(0, sp).toLowerCase() : '';
  const cred = sp > 0 ? h.slice(sp + 1).trim() : '';
  if (scheme === 'apikey' && cfg.auth.apiKeys) {
    const p = keys.verify(cred);
    if (p) return { name: p.principal, role: p.role, via: 'apikey' };
    throw new GuardError('LG_GUARD_UNAUTHENTICATED', 'invalid or revoked API key');
  }
  if (scheme === 'bearer' && jwt) {
    let claims: Record<string, unknown>;
    try {
      claims = await jwt(cred);
    } catch {
      throw new GuardError('LG_GUARD_UNAUTHENTICATED', 'invalid token');
    }
    const j = cfg.auth.jwt as NonNullable<GuardConfig['auth']['jwt']>;
    const role = claims[j.roleClaim];
    const sub = claims[j.subjectClaim];
    if (typeof role !== 'string' || typeof sub !== 'string' || sub === '') {
      throw new GuardError('LG_GUARD_UNAUTHENTICATED', `token lacks "${j.roleClaim}" or "${j.subjectClaim}"`);
    }
    return { name: sub.slice(0, 128), role, via: 'jwt' };
  }
  throw new GuardError('LG_GUARD_UNAUTHENTICATED', 'unsupported authorization scheme');
}
