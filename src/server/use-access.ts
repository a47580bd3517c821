import type { IncomingMessage } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { type Access, type AuthenticationFailure, unauthenticated } from './access.ts';

// RFC 6750 §3: which of its error codes a refusal carries, beside the realm.
const BEARER_ERRORS: Record<AuthenticationFailure, string> = {
  missing: '',
  malformed: ', error="invalid_request"',
  unknown: ', error="invalid_token"',
};

/**
 * Refuses an HTTP request to the GraphQL endpoint (queries, mutations and SSE subscriptions)
 * without a valid `Authorization: Bearer TOKEN`: 401, a `WWW-Authenticate: Bearer` challenge
 * and a GraphQL-shaped body whose error has the code `UNAUTHENTICATED`. It runs after Yoga's
 * own GraphiQL and CORS hooks, so GraphiQL's page and CORS preflights need no token, as a
 * browser sends neither with one. Each operation then reads its identity from the context
 * ({@link Access.identityOf}).
 */
export function useAccess(
  access: Access,
  logger: Logger,
): Plugin<object, { req?: IncomingMessage }> {
  return {
    onRequest({ request, serverContext, endResponse, fetchAPI }) {
      if (access.open || request.method === 'OPTIONS') {
        return;
      }

      const { failure } = access.authenticate(request.headers.get('authorization'));
      if (failure === undefined) {
        return;
      }

      const details = { failure, remote: serverContext.req?.socket.remoteAddress };
      if (failure === 'missing') {
        logger.debug(details, 'refused a request without a token');
      } else {
        logger.warn(details, 'refused a request with a bad token');
      }

      const error = unauthenticated(failure);
      const body = { errors: [{ message: error.message, extensions: error.extensions }] };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), {
          status: 401,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'www-authenticate': `Bearer realm="virt-snapshot-graphql"${BEARER_ERRORS[failure]}`,
          },
        }),
      );
    },
  };
}
