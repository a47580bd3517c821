import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { GraphQLError } from 'graphql';
import { createYoga, maskError } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { Hosts } from '../hosts/hosts.ts';
import { buildSchema, type Context, TreeCache } from '../resolvers/index.ts';
import { Access } from './access.ts';
import { dashboardHandler, isDashboardPath } from './dashboard.ts';
import { useLimits } from './limits.ts';
import { METRICS_CONTENT_TYPE, Metrics } from './metrics.ts';
import { acceptsUpgrade, corsOptions } from './origins.ts';
import { Turns } from './turns.ts';
import { useAccess } from './use-access.ts';
import { useLeftOutHosts } from './use-left-out-hosts.ts';
import { serveWebSockets } from './websocket.ts';

/** What the entry point starts and stops. */
export interface Server {
  /** Connects the hosts and listens; resolves to the address it listens on. */
  start(): Promise<string>;
  /**
   * Closes the listener, every connection (SSE streams and WebSockets included), the hosts
   * and the libvirt binding: nothing is left running.
   */
  stop(): Promise<void>;
  /** The hosts, once started; for tests. */
  readonly hosts: Hosts | undefined;
}

// GraphiQL opens with this: a domain's whole snapshot tree, as a dashboard draws it, and a
// subscription to every snapshot change; run either by its name.
const EXAMPLE_OPERATIONS = `# The whole snapshot tree of every domain: one listing per domain.
query SnapshotTree {
  hosts { name uri hypervisor libvirtVersion connected }
  domains {
    name
    state
    currentSnapshot { name }
    snapshots(order: TOPOLOGICAL) {
      totalCount
      nodes { id name parent { name } state creationTime isCurrent }
    }
  }
}

# Every snapshot created, deleted, reverted to or updated, as it happens.
subscription SnapshotEvents {
  snapshotEvents { id type origin snapshotName domainName }
}
`;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * `/metrics` in Prometheus's format. On a server with tokens it needs one, of either role,
 * as `Authorization: Bearer` (Prometheus's `authorization` setting sends it).
 */
async function sendMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  metrics: Metrics,
  access: Access,
): Promise<void> {
  if (access.authenticate(request.headers.authorization).failure !== undefined) {
    response.writeHead(401, { 'www-authenticate': 'Bearer realm="virt-snapshot-graphql"' });
    response.end();

    return;
  }

  response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
  response.end(await metrics.registry.metrics());
}

/**
 * Builds the server: the hosts over the libvirt binding, the GraphQL endpoint at
 * `/graphql` (HTTP, subscriptions over SSE and graphql-ws, GraphiQL for a browser), the
 * dashboard at `/`, `/healthz`, `/readyz` and `/metrics`.
 */
export function createServer(config: Config, logger: Logger): Server {
  let hosts: Hosts | undefined;
  const access = new Access(config.tokens);
  const metrics = new Metrics();
  const turns = new Turns();
  const yoga = createYoga<{ req: IncomingMessage; res: ServerResponse }, Context>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // GraphiQL runs subscriptions over SSE, as HTTP carries its queries (and their headers).
    graphiql: {
      title: 'virt-snapshot-graphql',
      defaultQuery: EXAMPLE_OPERATIONS,
      subscriptionsProtocol: 'SSE',
    },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    maskedErrors: {
      // ApiErrors reach the client as they are; anything unexpected is masked and logged.
      maskError: (error, message, isDev) => {
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (!(original instanceof GraphQLError)) {
          logger.error({ err: original }, 'unexpected error');
        }

        return maskError(error, message, isDev);
      },
    },
    // Only an authenticated caller gets this far (useAccess over HTTP, onConnect over
    // graphql-ws); each operation carries its caller's role and token name.
    plugins: [useAccess(access, logger), ...useLimits(config), useGraphQlJit(), useLeftOutHosts()],
    // Limits that Yoga enforces itself (README, Limits); the rest are in useLimits.
    maxRequestBodySize: config.maxBodyBytes,
    batching: false,
    cors: corsOptions(config.corsOrigins),
    context: (initial): Context => ({
      hosts: hosts as Hosts,
      ...access.identityOf(initial),
      logger,
      pageSizeCap: config.pageSizeCap,
      trees: new TreeCache(),
      takeTurn: () => turns.take(),
      leftOut: [],
      metrics,
    }),
  });

  const dashboard = dashboardHandler(undefined, logger);
  const http = createHttpServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      sendJson(response, 200, { status: 'ok' });

      return;
    }

    if (path === '/readyz') {
      const listed = (hosts?.list() ?? []).map((host) => ({
        name: host.name,
        uri: host.uri,
        connected: host.connected,
        // Whether this process watches the host: always alone, one replica at a time with Redis.
        watching: hosts?.feed.watches(host.name) ?? false,
      }));
      const ready = listed.some((host) => host.connected);
      sendJson(response, ready ? 200 : 503, { ready, hosts: listed });

      return;
    }

    if (path === '/metrics') {
      void sendMetrics(request, response, metrics, access);

      return;
    }

    // The dashboard's page and files need no token: the page asks for one itself.
    if (path !== undefined && isDashboardPath(path)) {
      dashboard(request, response);

      return;
    }

    void yoga(request, response);
  });
  // Subscriptions (and queries) over graphql-ws on the same path; SSE is Yoga's own.
  const websockets = serveWebSockets(http, yoga, {
    path: '/graphql',
    access,
    logger,
    maxPayload: config.maxWebSocketMessageBytes,
    connectionInitWaitTimeoutMs: config.connectionInitWaitTimeoutMs,
    maxOperationsPerSocket: config.maxSubscriptionsPerSocket,
    acceptsUpgrade: (request) => acceptsUpgrade(request, config.corsOrigins),
    onSocketError: (error) => logger.warn({ err: error }, 'WebSocket closed on a bad message'),
  });

  return {
    get hosts() {
      return hosts;
    },

    async start() {
      hosts = await Hosts.open(config, logger);
      metrics.attach(hosts);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => resolve());
      });
      const address = http.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}/graphql`;
      logger.info({ url }, 'listening');

      return url;
    },

    async stop() {
      // Stop taking connections, end the HTTP ones (SSE streams included), then the
      // WebSockets, which the HTTP server waits for once upgraded.
      const closed = http.listening
        ? new Promise<void>((resolve) => http.close(() => resolve()))
        : Promise.resolve();
      http.closeAllConnections();
      await websockets.close();
      await closed;

      metrics.detach();
      await hosts?.close();
      hosts = undefined;
    },
  };
}
