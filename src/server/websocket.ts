import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { type Access, type Identity, unauthenticated } from './access.ts';
import { operationsPerSocketError } from './limits.ts';

/** The WebSocket side of the endpoint, to be closed with the server. */
export interface WebSocketEndpoint {
  /** Closes every WebSocket (the clients see 1001 Going away) and stops taking new ones. */
  close(): Promise<void>;
}

/** Options for {@link serveWebSockets}. */
export interface WebSocketOptions {
  /** The path the HTTP endpoint serves, e.g. `/graphql`. */
  path: string;
  /**
   * Checks the `authorization` connection parameter on `connection_init`; a socket without a
   * valid token is closed with 4403 Forbidden.
   */
  access: Access;
  /** Where refused sockets are logged. */
  logger?: Logger;
  /**
   * How long a client may take to answer the close handshake before its socket is cut.
   * @default 1000
   */
  closeGraceMs?: number;
  /**
   * The largest message a client may send, in bytes; ws closes the socket of one that sends
   * more with 1009 (Message Too Big).
   * @default 104857600 (ws's own)
   */
  maxPayload?: number;
  /**
   * How long a socket may stay open without `connection_init`; then it is closed with 4408.
   * @default 3000
   */
  connectionInitWaitTimeoutMs?: number;
  /**
   * The most operations one socket may run at once; one more is answered with an `error`
   * message (`LIMIT_EXCEEDED`) and the socket stays open.
   * @default Infinity
   */
  maxOperationsPerSocket?: number;
  /** Whether to upgrade this request; one refused is answered 403 Forbidden. */
  acceptsUpgrade?: (request: IncomingMessage) => boolean;
  /**
   * Told of an error on one socket (an oversized message, a broken frame), which ws has
   * already answered by closing the socket; graphql-ws would print it to the console.
   */
  onSocketError?: (error: Error) => void;
}

// What Yoga's getEnveloped hands one operation: run through the same plugins as HTTP.
type Enveloped = ReturnType<YogaServerInstance<object, object>['getEnveloped']>;

/** The execution arguments of one operation, carrying its enveloped execute and subscribe. */
interface EnvelopedArgs extends ExecutionArgs {
  rootValue: Pick<Enveloped, 'execute' | 'subscribe'>;
}

/**
 * Serves GraphQL over WebSocket (the `graphql-transport-ws` protocol of graphql-ws) on the
 * HTTP server's `path`, following Yoga's recipe: each operation goes through
 * `yoga.getEnveloped`, so it is parsed, validated, given its context and has its errors
 * masked as over HTTP. Yoga's HTTP-only hooks do not run on it.
 *
 * @see https://the-guild.dev/graphql/yoga-server/docs/features/subscriptions#graphql-over-websocket-protocol-via-graphql-ws
 */
export function serveWebSockets(
  http: HttpServer,
  yoga: Pick<YogaServerInstance<object, object>, 'getEnveloped'>,
  options: WebSocketOptions,
): WebSocketEndpoint {
  const accepts = options.acceptsUpgrade ?? (() => true);
  const sockets = new WebSocketServer({
    server: http,
    path: options.path,
    maxPayload: options.maxPayload,
    verifyClient: (info, done) => done(accepts(info.req), 403, 'Origin not allowed'),
  });
  // The socket's identity, checked once on connection_init, is what each operation runs as.
  const served = useServer<Record<string, unknown> | undefined, { identity: Identity }>(
    {
      // The enveloped execute and subscribe travel with the arguments, as rootValue.
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args),
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
      // Returning false makes graphql-ws close the socket with 4403 Forbidden.
      onConnect: (context) => {
        const { identity, failure } = options.access.authenticate(
          authorizationParam(context.connectionParams),
        );
        if (identity === undefined) {
          const remote = context.extra.request.socket.remoteAddress;
          options.logger?.warn({ failure, remote }, 'refused a WebSocket without a valid token');

          return false;
        }

        context.extra.identity = identity;

        return true;
      },
      onSubscribe: async (context, _id, payload) => {
        // graphql-ws lets no subscribe through before onConnect accepted the socket; an
        // identity is checked here too, so that no operation ever runs as nobody.
        const identity = context.extra.identity;
        if (identity === undefined) {
          return [unauthenticated('missing')];
        }

        // graphql-ws has already entered this operation among the socket's subscriptions.
        const running = Object.keys(context.subscriptions).length;
        const overLimit = operationsPerSocketError(
          running,
          options.maxOperationsPerSocket ?? Infinity,
        );
        if (overLimit !== null) {
          return [overLimit];
        }

        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...context,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
          identity,
        });

        let document: ExecutionArgs['document'];
        try {
          document = parse(payload.query);
        } catch (error) {
          // A syntax error is the operation's, not the connection's: answer it, keep the socket.
          if (error instanceof GraphQLError) {
            return [error];
          }

          throw error;
        }

        const errors = validate(schema, document);
        if (errors.length > 0) {
          return errors;
        }

        const args: EnvelopedArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };

        return args;
      },
    },
    sockets,
  );
  // Registered after graphql-ws's listener, which this one replaces: ws has closed the
  // socket with the fitting code (1009, 1002) before it reports the error.
  sockets.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => options.onSocketError?.(error));
  });

  let closing: Promise<void> | undefined;

  return {
    close() {
      closing ??= closeAll(sockets, () => served.dispose(), options.closeGraceMs ?? 1000);

      return closing;
    },
  };
}

/** The `authorization` connection parameter (`Bearer TOKEN`), whatever the case of its key. */
function authorizationParam(params: Record<string, unknown> | undefined): unknown {
  const key = Object.keys(params ?? {}).find((name) => name.toLowerCase() === 'authorization');

  return key === undefined ? undefined : params?.[key];
}

/** Closes every socket through `dispose`, cutting those still open after `graceMs`. */
async function closeAll(
  sockets: WebSocketServer,
  dispose: () => void | Promise<void>,
  graceMs: number,
): Promise<void> {
  // A client that never answers the close handshake must not hold the server open.
  const cut = setTimeout(() => {
    for (const socket of sockets.clients) {
      socket.terminate();
    }
  }, graceMs);
  try {
    await dispose();
  } finally {
    clearTimeout(cut);
  }
}
