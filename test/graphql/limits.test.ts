import { Writable } from 'node:stream';
import { type GraphQLFormattedError, getIntrospectionQuery, print } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Config, ConfigError, LIMIT_DEFAULTS, readConfig } from '../../src/config.ts';
import { createServer } from '../../src/server/server.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { branchingTree } from '../support/snapshot-trees.ts';
import { chain, type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';
import { LimitsSnapshotNamesDocument, LimitsWholeTreeDocument } from './limits.generated.ts';

/**
 * The server's limits over each transport: HTTP, graphql-ws (frames sent by hand with ws)
 * and SSE. Yoga's graphql-ws path skips its HTTP hooks, so every limit on an operation is
 * tried over every transport that can carry the operation.
 */

/** One operation's result as a transport hands it over. */
interface Result {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

/** A message of the graphql-transport-ws protocol. */
interface Message {
  type: string;
  id?: string;
  payload?: unknown;
}

const CSRF = { 'x-graphql-yoga-csrf': '1' };

/** A WebSocket on `/graphql` that the test drives frame by frame. */
class RawSocket {
  readonly #messages: Message[] = [];
  #wake: (() => void) | undefined;
  /** Resolves with the close code once the socket has closed. */
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.#messages.push(JSON.parse(String(data)) as Message);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** Opens a socket, or fails with the HTTP status of a refused upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });

    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new RawSocket(socket)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`upgrade refused: ${response.statusCode}`));
      });
      socket.once('error', reject);
    });
  }

  /** Opens a socket and completes the `connection_init` handshake. */
  static async ready(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const raw = await RawSocket.open(url, headers);
    raw.send({ type: 'connection_init' });
    expect((await raw.next()).type).toBe('connection_ack');

    return raw;
  }

  send(message: Message | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ type: 'subscribe', id, payload: { query, variables } });
  }

  /** The next message from the server; fails after `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (this.#messages.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no message within ${timeoutMs} ms`);
      }

      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }

    return this.#messages.shift() as Message;
  }

  /** Whether the socket is still open. */
  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.close();
  }
}

/** Sends one operation over HTTP (POST, JSON). */
async function overHttp(url: string, query: string): Promise<Result> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });

  return (await response.json()) as Result;
}

/** Sends one operation over graphql-ws and returns its first result or its errors. */
async function overWebSocket(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Result> {
  const raw = await RawSocket.ready(url);
  try {
    raw.subscribe('op', query, variables);
    const message = await raw.next();
    if (message.type === 'error') {
      return { errors: message.payload as GraphQLFormattedError[] };
    }

    expect(message.type).toBe('next');

    return message.payload as Result;
  } finally {
    raw.close();
  }
}

/** Sends one operation over SSE (POST) and returns the first result of its stream. */
async function overSse(url: string, query: string): Promise<Result> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  const data = /event: next\ndata: (.*)\n/.exec(text)?.[1];
  if (data === undefined) {
    throw new Error(`no result in the SSE stream: ${response.status} ${text.slice(0, 300)}`);
  }

  return JSON.parse(data) as Result;
}

const transports = [
  { transport: 'HTTP', send: overHttp },
  { transport: 'graphql-ws', send: overWebSocket },
  { transport: 'SSE', send: overSse },
];

/** A query whose deepest field (`name`) is `depth` fields deep. */
function queryOfDepth(depth: number): string {
  // domain (1), snapshots (2), nodes (3), parent x (depth - 4), name (depth).
  const parents = depth - 4;

  return `{ domain(name: "vm") { snapshots { nodes { ${'parent { '.repeat(parents)}name${' }'.repeat(parents)} } } } }`;
}

/** A query with `count` aliases. */
function queryWithAliases(count: number): string {
  const fields = Array.from({ length: count }, (_, index) => `a${index}: hosts { name }`);

  return `{ ${fields.join(' ')} }`;
}

/**
 * A query of exactly `count` tokens: `{ nodes(ids: [ID ID ...]) { id } }`. A long list of
 * values, not of fields: graphql-js gives up validating thousands of fields of one name.
 */
function queryOfTokens(count: number, id: string): string {
  // `{ nodes ( ids : [ ] ) { id } }` are twelve tokens; each ID is one more.
  return `{ nodes(ids: [${`"${id}" `.repeat(count - 12)}]) { id } }`;
}

function createProbe(domainId: string, selection = 'snapshot { name }'): string {
  return `mutation { createSnapshot(input: { domainId: "${domainId}", name: "probe" }) { ${selection} } }`;
}

function expectLimit(result: Result, limit: string): void {
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit });
}

let fixture: TestDriverFixture;
let server: TestServer;
let domainId: string;

async function snapshotNames(): Promise<string[]> {
  return (
    (await server.data(LimitsSnapshotNamesDocument, { domain: 'vm' })).domain?.snapshotNames ?? []
  );
}

beforeAll(async () => {
  fixture = testDriverFixture([
    { name: 'vm', snapshots: chain(Array.from({ length: 20 }, (_, index) => `s${index + 1}`)) },
  ]);
  server = await startTestServer({ uris: [fixture.uri] });
  domainId = (await server.data(LimitsSnapshotNamesDocument, { domain: 'vm' })).domain?.id ?? '';
});

afterAll(async () => {
  await server.stop();
  fixture.dispose();
});

describe.each(transports)('the limits on an operation over $transport', ({ transport, send }) => {
  it('lets an operation 15 fields deep through', async () => {
    const result = await send(server.url, queryOfDepth(15));

    expect(result.errors).toBeUndefined();
    expect(result.data?.domain).toBeTruthy();
  });

  it('refuses an operation 16 fields deep with LIMIT_EXCEEDED naming the depth', async () => {
    const result = await send(server.url, queryOfDepth(16));

    expectLimit(result, 'depth');
    expect(result.errors?.[0]?.message).toMatch(
      /depth limit of 15 exceeded, found 16.*--max-depth/,
    );
    expect(result.data ?? null).toBeNull();
  });

  it('lets 30 aliases through and refuses 31', async () => {
    expect((await send(server.url, queryWithAliases(30))).errors).toBeUndefined();

    const result = await send(server.url, queryWithAliases(31));

    expectLimit(result, 'aliases');
    expect(result.errors?.[0]?.message).toMatch(/Aliases limit of 30 exceeded, found 31/);
  });

  it('lets 5,000 tokens through and refuses 5,001', async () => {
    expect((await send(server.url, queryOfTokens(5000, domainId))).errors).toBeUndefined();

    const result = await send(server.url, queryOfTokens(5001, domainId));

    expectLimit(result, 'tokens');
    expect(result.errors?.[0]?.message).toMatch(/Token limit of 5000 exceeded.*--max-tokens/);
  });

  it('refuses a page of 10,000 inside a page of 10,000 for its cost', async () => {
    const query = `{ domain(name: "vm") { snapshots(first: 10000) { nodes {
      children(first: 10000) { nodes { name } } } } } }`;
    const result = await send(server.url, query);

    expectLimit(result, 'cost');
    expect(result.errors?.[0]?.message).toMatch(/Cost limit of 10000000 exceeded/);
  });

  it('refuses first or last over the page-size cap with BAD_USER_INPUT', async () => {
    for (const argument of ['first', 'last']) {
      const query = `{ domain(name: "vm") { snapshots(${argument}: 10001) { totalCount } } }`;
      const result = await send(server.url, query);

      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/at most 10000/);
    }
  });

  it.skipIf(transport === 'SSE')(
    'refuses a mutation over the depth limit before it creates anything',
    async () => {
      const before = await snapshotNames();
      const selection = `snapshot { ${'parent { '.repeat(13)}name${' }'.repeat(13)} }`;
      const result = await send(server.url, createProbe(domainId, selection));

      expectLimit(result, 'depth');
      expect(await snapshotNames()).toEqual(before);
    },
  );
});

describe('the limits on an HTTP request', () => {
  it('lets GraphiQL introspect the schema', async () => {
    const result = await overHttp(server.url, getIntrospectionQuery());

    expect(result.errors).toBeUndefined();
  });

  it('refuses a body over 2 MiB by its Content-Length with 413 and LIMIT_EXCEEDED', async () => {
    const name = 'x'.repeat(LIMIT_DEFAULTS.maxBodyBytes);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: `{ domain(name: "${name}") { name } }` }),
    });
    const body = (await response.json()) as Result;

    expect(response.status).toBe(413);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'bodySize',
      max: 2 * 1024 * 1024,
    });
    expect(body.errors?.[0]?.message).toMatch(/over the limit of 2097152 bytes.*--max-body-size/);
  });

  it('counts the bytes of a body sent without Content-Length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(256 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // A JSON document that never ends: only the count of its bytes can stop it.
        controller.enqueue(sent === 0 ? new TextEncoder().encode('{"query": "') : chunk);
        sent += 1;
        if (sent > 40) {
          controller.close();
        }
      },
    });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const body = (await response.json()) as Result;

    expect(response.status).toBe(413);
    expectLimit(body, 'bodySize');
  });

  it('lets a body of 1.5 MiB reach the resolvers', async () => {
    const name = 'x'.repeat(1.5 * 1024 * 1024);
    const result = await overHttp(server.url, `{ domain(name: "${name}") { name } }`);

    expect(result).toEqual({ data: { domain: null } });
  });

  it('refuses a mutation sent with GET with 405', async () => {
    const before = await snapshotNames();
    const query = encodeURIComponent(createProbe(domainId));
    const response = await fetch(`${server.url}?query=${query}`, { headers: CSRF });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await snapshotNames()).toEqual(before);
  });

  it('answers a query sent with GET that carries the CSRF header', async () => {
    const query = encodeURIComponent('{ hosts { name } }');
    const response = await fetch(`${server.url}?query=${query}`, {
      headers: { ...CSRF, accept: 'application/json' },
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as Result).data).toEqual({ hosts: [{ name: fixture.uri }] });
  });

  it('refuses a GET without the CSRF header with 403, as a foreign page could send it', async () => {
    const query = encodeURIComponent('{ hosts { name } }');
    const response = await fetch(`${server.url}?query=${query}`, {
      headers: { accept: 'application/json' },
    });

    expect(response.status).toBe(403);
  });

  it('refuses a form POST without the CSRF header and creates nothing', async () => {
    const before = await snapshotNames();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: createProbe(domainId) }).toString(),
    });

    expect(response.status).toBe(403);
    expect(await snapshotNames()).toEqual(before);
  });

  it('refuses a batch (a JSON array of operations) and creates nothing', async () => {
    const before = await snapshotNames();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify([{ query: createProbe(domainId) }, { query: '{ hosts { name } }' }]),
    });
    const body = (await response.json()) as Result;

    expect(response.status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/Batching is not supported/);
    expect(await snapshotNames()).toEqual(before);
  });
});

describe('the limits on a WebSocket', () => {
  it('closes a socket that sends a message over 2 MiB with 1009', async () => {
    const raw = await RawSocket.ready(server.url);
    raw.send({
      type: 'subscribe',
      id: 'big',
      payload: {
        query: `{ domain(name: "${'x'.repeat(LIMIT_DEFAULTS.maxWebSocketMessageBytes)}") { name } }`,
      },
    });

    expect(await raw.closed).toBe(1009);
  });

  it('answers a message of 1.5 MiB', async () => {
    const result = await overWebSocket(
      server.url,
      `{ domain(name: "${'x'.repeat(1.5 * 1024 * 1024)}") { name } }`,
    );

    expect(result).toEqual({ data: { domain: null } });
  });

  it('closes a socket that sends a frame that is no message with 4400', async () => {
    const raw = await RawSocket.ready(server.url);
    raw.send('{ this is not JSON');

    expect(await raw.closed).toBe(4400);
  });

  it('closes a socket that reuses the id of a running subscription with 4409', async () => {
    const raw = await RawSocket.ready(server.url);
    raw.subscribe('same', 'subscription { snapshotEvents { id } }');
    raw.subscribe('same', 'subscription { snapshotEvents { id } }');

    expect(await raw.closed).toBe(4409);
  });

  it('refuses an upgrade from a foreign Origin with 403', async () => {
    await expect(
      RawSocket.open(server.url, { origin: 'https://elsewhere.example' }),
    ).rejects.toThrow(/upgrade refused: 403/);
  });

  it('upgrades a request from its own origin and one with no Origin', async () => {
    const own = await RawSocket.ready(server.url, { origin: server.origin });
    const script = await RawSocket.ready(server.url);

    expect([own.open, script.open]).toEqual([true, true]);
    own.close();
    script.close();
  });
});

describe('a server with tighter limits and an allowed origin', () => {
  let tight: TestServer;

  beforeAll(async () => {
    tight = await startTestServer({
      uris: [fixture.uri],
      config: {
        corsOrigins: ['https://dashboard.example'],
        connectionInitWaitTimeoutMs: 300,
        maxSubscriptionsPerSocket: 3,
        maxDepth: 5,
      },
    });
  });

  afterAll(async () => {
    await tight.stop();
  });

  it('closes a socket that sends no connection_init in time with 4408', async () => {
    const raw = await RawSocket.open(tight.url);

    expect(await raw.closed).toBe(4408);
  });

  it('refuses an operation over the socket limit with LIMIT_EXCEEDED and keeps the socket', async () => {
    const before = await snapshotNames();
    const raw = await RawSocket.ready(tight.url);
    for (const id of ['a', 'b', 'c']) {
      raw.subscribe(id, 'subscription { snapshotEvents { id } }');
    }

    raw.subscribe('d', createProbe(domainId));
    const refused = await raw.next();

    expect(refused).toMatchObject({ type: 'error', id: 'd' });
    expect((refused.payload as GraphQLFormattedError[])[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'operationsPerSocket',
      max: 3,
    });
    expect(raw.open).toBe(true);
    expect(await snapshotNames()).toEqual(before);

    raw.send({ type: 'complete', id: 'a' });
    raw.subscribe('e', '{ hosts { name } }');

    expect(await raw.next()).toMatchObject({ type: 'next', id: 'e' });
    expect(await raw.next()).toMatchObject({ type: 'complete', id: 'e' });
    raw.close();
  });

  it('holds its configured depth over HTTP and graphql-ws', async () => {
    for (const send of [overHttp, overWebSocket]) {
      expect((await send(tight.url, queryOfDepth(5))).errors).toBeUndefined();
      expectLimit(await send(tight.url, queryOfDepth(6)), 'depth');
    }
  });

  it('upgrades a request from an allowed origin and refuses one from another', async () => {
    const allowed = await RawSocket.ready(tight.url, { origin: 'https://dashboard.example' });

    expect(allowed.open).toBe(true);
    allowed.close();
    await expect(RawSocket.open(tight.url, { origin: 'https://other.example' })).rejects.toThrow(
      /upgrade refused: 403/,
    );
  });
});

describe('CORS', () => {
  let tight: TestServer;

  beforeAll(async () => {
    tight = await startTestServer({
      uris: [fixture.uri],
      config: { corsOrigins: ['https://dashboard.example'] },
    });
  });

  afterAll(async () => {
    await tight.stop();
  });

  async function preflight(url: string, origin: string): Promise<globalThis.Response> {
    return fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
  }

  it('allows no origin but its own by default', async () => {
    const own = await preflight(server.url, server.origin);
    const foreign = await preflight(server.url, 'https://dashboard.example');

    expect(own.headers.get('access-control-allow-origin')).toBe(server.origin);
    expect(own.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a configured origin and no other', async () => {
    const allowed = await preflight(tight.url, 'https://dashboard.example');
    const foreign = await preflight(tight.url, 'https://elsewhere.example');

    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives a foreign page no header that would let it read an answer', async () => {
    const response = await fetch(tight.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://elsewhere.example' },
      body: JSON.stringify({ query: '{ hosts { name } }' }),
    });

    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the whole tree of 10,000 snapshots', () => {
  let big: TestDriverFixture;
  let bigServer: TestServer;

  beforeAll(async () => {
    big = testDriverFixture([{ name: 'vm', snapshots: branchingTree(10_000, 3) }]);
    bigServer = await startTestServer({ uris: [big.uri], watchIntervalMs: 3_600_000 });
  });

  afterAll(async () => {
    await bigServer.stop();
    big.dispose();
  });

  it('passes the cost limit over HTTP', async () => {
    const data = await bigServer.data(LimitsWholeTreeDocument, { domain: 'vm' });

    expect(data.domain?.snapshots.totalCount).toBe(10_000);
    expect(data.domain?.snapshots.nodes).toHaveLength(10_000);
    expect(data.domain?.snapshots.pageInfo.hasNextPage).toBe(false);
  });

  it('passes the cost limit over graphql-ws', async () => {
    const result = await overWebSocket(bigServer.url, print(LimitsWholeTreeDocument), {
      domain: 'vm',
    });

    expect(result.errors).toBeUndefined();
    expect(result.data?.domain).toMatchObject({ snapshots: { totalCount: 10_000 } });
  });
});

describe('an unexpected error', () => {
  let odd: TestDriverFixture;
  let lines: string[];
  let stop: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    // libvirt keeps a creation time that no JavaScript Date can hold: reading the snapshot
    // fails in the server, an error no client is meant to see the inside of.
    odd = testDriverFixture([
      { name: 'odd', snapshots: [{ name: 'far', creationTime: 100_000_000_000_000 }] },
    ]);
    lines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config: Config = {
      ...readConfig(['--connect', odd.uri, '--port', '0'], {}),
      watchIntervalMs: 3_600_000,
    };
    const created = createServer(config, pino({ level: 'error' }, sink));
    url = await created.start();
    stop = () => created.stop();
  });

  afterAll(async () => {
    await stop();
    odd.dispose();
  });

  it.each([
    { transport: 'HTTP', send: overHttp },
    { transport: 'graphql-ws', send: overWebSocket },
  ])('is masked for the client over $transport and logged whole', async ({ send }) => {
    lines.length = 0;
    const result = await send(url, '{ domain(name: "odd") { snapshots { nodes { name } } } }');

    expect(result.errors?.[0]).toMatchObject({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(result)).not.toMatch(/creationTime/);
    expect(lines.join('\n')).toMatch(/creationTime.*100000000000000/);
    expect(lines.join('\n')).toMatch(/"stack":/);
  });
});

describe('the limits in the configuration', () => {
  it('defaults to the contract: depth 15, aliases 30, tokens 5,000, pages of 10,000', () => {
    const config = readConfig([], {});

    expect(config).toMatchObject({
      maxDepth: 15,
      maxAliases: 30,
      maxTokens: 5000,
      pageSizeCap: 10_000,
      maxBodyBytes: 2 * 1024 * 1024,
      maxWebSocketMessageBytes: 2 * 1024 * 1024,
      connectionInitWaitTimeoutMs: 3000,
      maxSubscriptionsPerSocket: 100,
      corsOrigins: [],
    });
  });

  it('reads every limit from its flag', () => {
    const config = readConfig(
      [
        '--max-depth=8',
        '--max-aliases=4',
        '--max-tokens=900',
        '--max-cost=5000',
        '--max-page-size=50',
        '--max-body-size=4096',
        '--max-message-size=8192',
        '--connection-init-timeout=500',
        '--max-subscriptions-per-socket=7',
        '--cors-origin=https://dashboard.example/',
        '--cors-origin=http://LOCALHOST:8080',
      ],
      {},
    );

    expect(config).toMatchObject({
      maxDepth: 8,
      maxAliases: 4,
      maxTokens: 900,
      maxCost: 5000,
      pageSizeCap: 50,
      maxBodyBytes: 4096,
      maxWebSocketMessageBytes: 8192,
      connectionInitWaitTimeoutMs: 500,
      maxSubscriptionsPerSocket: 7,
      corsOrigins: ['https://dashboard.example', 'http://localhost:8080'],
    });
  });

  it.each([
    ['--max-depth=0'],
    ['--max-tokens=many'],
    ['--max-page-size=2.5'],
    ['--connection-init-timeout=1'],
    ['--cors-origin=dashboard.example'],
    ['--cors-origin=https://dashboard.example/path'],
  ])('refuses %s', (flag) => {
    expect(() => readConfig([flag], {})).toThrow(ConfigError);
  });
});
