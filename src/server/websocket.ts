import type { Server as HttpServer } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

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
   * How long a client may take to answer the close handshake before its socket is cut.
   * @default 1000
   */
  closeGraceMs?: number;
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
  const sockets = new WebSocketServer({ server: http, path: options.path });
  const served = useServer(
    {
      // The enveloped execute and subscribe travel with the arguments, as rootValue.
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args),
      onSubscribe: async (context, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...context,
          req: context.extra.request,
          socket: context.extra.socket,
          params: payload,
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

  let closing: Promise<void> | undefined;

  return {
    close() {
      closing ??= closeAll(sockets, () => served.dispose(), options.closeGraceMs ?? 1000);

      return closing;
    },
  };
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
