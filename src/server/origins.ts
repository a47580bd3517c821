import type { IncomingMessage } from 'node:http';
import type { YogaServerOptions } from 'graphql-yoga';

/** Yoga's `cors` option. */
type CorsOption = NonNullable<YogaServerOptions<object, object>['cors']>;

/**
 * Whether a browser page of `origin` may use the endpoint: the server's own origin (the
 * host the request was sent to, by its `Host` header) always may, the configured ones may,
 * and with `*` configured every origin may. `null` (a sandboxed page, a file) never may,
 * unless `*` is configured.
 */
export function isAllowedOrigin(
  origin: string,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (allowed.includes('*')) {
    return true;
  }

  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }

  // The scheme is left out of "own": behind a proxy that ends TLS, the page is https and
  // the server is http, on the same host.
  if (host !== undefined && url.host === host.toLowerCase()) {
    return true;
  }

  return allowed.includes(url.origin);
}

/**
 * CORS for Yoga: a request from an allowed origin (see {@link isAllowedOrigin}) gets the
 * headers that let its page read the answer; any other gets none, so the browser refuses
 * its preflight and hides the answer from the page.
 */
export function corsOptions(allowed: readonly string[]): CorsOption {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (
      origin === null ||
      !isAllowedOrigin(origin, request.headers.get('host') ?? undefined, allowed)
    ) {
      return false;
    }

    return {
      origin: [origin],
      methods: ['GET', 'POST'],
      // Preflights are answered for a day.
      maxAge: 86_400,
    };
  };
}

/**
 * Whether to upgrade `request` to a WebSocket: one without `Origin` (no browser sends one
 * without) is let through, as from a script or a monitor; a browser's only from an allowed
 * origin. Browsers apply no CORS to WebSockets, so this check is the only thing that keeps a
 * foreign page from subscribing with the server's trust of its visitor's network.
 */
export function acceptsUpgrade(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    return true;
  }

  return isAllowedOrigin(origin, request.headers.host, allowed);
}
