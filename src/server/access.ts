import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { RoleName } from '../resolvers/context.ts';
import type { TokenConfig } from './tokens.ts';

/** Who a caller is once authenticated: what `Query.access` reports. */
export interface Identity {
  role: RoleName;
  /** The token's name, for the logs; null for a nameless token or a server without tokens. */
  tokenName: string | null;
}

/** Why a caller was refused: no credentials, credentials of the wrong shape, or a wrong token. */
export type AuthenticationFailure = 'missing' | 'malformed' | 'unknown';

/** The outcome of {@link Access.authenticate}. */
export type Authentication =
  | { identity: Identity; failure?: undefined }
  | { identity?: undefined; failure: AuthenticationFailure };

/** Everyone's identity on a server without tokens, which listens on loopback only. */
export const OPEN_IDENTITY: Identity = { role: 'OPERATOR', tokenName: null };

// `Bearer` is case-insensitive (RFC 7235); the token is RFC 6750's b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

interface KnownToken {
  digest: Buffer;
  identity: Identity;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The tokens the server accepts and how a caller's credentials are checked against them, on
 * every transport alike: the `Authorization` header over HTTP (queries, mutations, SSE) and
 * the `authorization` connection parameter over graphql-ws.
 */
export class Access {
  readonly #tokens: KnownToken[];

  constructor(tokens: readonly TokenConfig[]) {
    this.#tokens = tokens.map((entry) => ({
      digest: sha256(entry.token),
      identity: {
        role: entry.role === 'operator' ? 'OPERATOR' : 'VIEWER',
        tokenName: entry.name,
      },
    }));
  }

  /** True when no token is configured: every caller is an operator. */
  get open(): boolean {
    return this.#tokens.length === 0;
  }

  /**
   * Checks an `Authorization` value (`Bearer TOKEN`). Both sides are hashed to equal lengths
   * and every token is compared in constant time, so neither the time taken nor an early stop
   * tells a caller how close a guess came.
   */
  authenticate(authorization: unknown): Authentication {
    if (this.open) {
      return { identity: OPEN_IDENTITY };
    }

    if (authorization === undefined || authorization === null || authorization === '') {
      return { failure: 'missing' };
    }

    const bearer = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
    if (bearer?.[1] === undefined) {
      return { failure: 'malformed' };
    }

    const digest = sha256(bearer[1]);
    let found: Identity | undefined;
    for (const known of this.#tokens) {
      if (timingSafeEqual(known.digest, digest)) {
        found ??= known.identity;
      }
    }

    return found === undefined ? { failure: 'unknown' } : { identity: found };
  }

  /**
   * The identity of one GraphQL operation, from the context it starts with: the socket's,
   * which graphql-ws checked on connecting, or else the HTTP request's `Authorization` header,
   * which the HTTP plugin has already let through. Fails closed.
   */
  identityOf(initial: { identity?: Identity; request?: Request }): Identity {
    if (initial.identity !== undefined) {
      return initial.identity;
    }

    const { identity } = this.authenticate(initial.request?.headers.get('authorization'));
    if (identity === undefined) {
      throw unauthenticated('missing');
    }

    return identity;
  }
}

/** The error a refused caller reads: what to send instead. */
export function unauthenticated(failure: AuthenticationFailure): ApiError {
  const why = {
    missing: 'no token was sent',
    malformed: 'the credentials are not of the form "Bearer TOKEN"',
    unknown: 'the token is not one this server accepts',
  }[failure];

  return new ApiError(
    'UNAUTHENTICATED',
    `${why}: send Authorization: Bearer TOKEN (over graphql-ws, the connection parameter ` +
      '{ "authorization": "Bearer TOKEN" })',
  );
}
