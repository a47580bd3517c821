import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.ts';
import { Access } from '../../src/server/access.ts';
import { parseTokensEnv, parseTokensFile, TokenListError } from '../../src/server/tokens.ts';
import { type Response, startTestServer, type TestServer } from '../support/graphql-server.ts';
import { sseSubscribe, wsClient } from '../support/subscription-clients.ts';
import { chain, type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';
import {
  AccessCreateDocument,
  AccessDeleteDocument,
  AccessEventsDocument,
  AccessRedefineDocument,
  AccessRevertDocument,
  AccessSecureXmlDocument,
  AccessTreeDocument,
  AccessWhoAmIDocument,
} from './access.generated.ts';

/**
 * Access (API.md): bearer tokens with the roles viewer and operator, checked over HTTP, SSE
 * and graphql-ws alike; an open server only on loopback; every change logged with who made it.
 */

const VIEWER = 'viewer-token-0123456789abcdef';
const OPERATOR = 'operator-token-fedcba9876543210';
const OTHER_VIEWER = 'another.viewer~token+2/=';

describe('tokens in the configuration', () => {
  let directory: string;
  let file: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'vsg-tokens-'));
    file = join(directory, 'tokens');
    writeFileSync(
      file,
      [
        '# who may use the server',
        '',
        `viewer   ${VIEWER}   Bob the Watcher   # read only`,
        `operator ${OPERATOR} alice`,
      ].join('\n'),
      { mode: 0o600 },
    );
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads ROLE TOKEN [NAME] lines from the tokens file, comments and blanks skipped', () => {
    expect(readConfig(['--tokens-file', file], {}).tokens).toEqual([
      { role: 'viewer', token: VIEWER, name: 'Bob the Watcher', source: `${file} line 3` },
      { role: 'operator', token: OPERATOR, name: 'alice', source: `${file} line 4` },
    ]);
  });

  it('reads ROLE:TOKEN[:NAME] entries from VSG_TOKENS, and the file and the variable together', () => {
    const config = readConfig(['--tokens-file', file], {
      VSG_TOKENS: ` viewer:${OTHER_VIEWER}:carol: the night shift , `,
    });

    expect(config.tokens.map(({ role, name }) => ({ role, name }))).toEqual([
      { role: 'viewer', name: 'Bob the Watcher' },
      { role: 'operator', name: 'alice' },
      { role: 'viewer', name: 'carol: the night shift' },
    ]);
    expect(parseTokensEnv(`operator:${OPERATOR}`)).toMatchObject([{ name: null }]);
  });

  it.each([
    ['a line with a role only', 'viewer\n', /line 1: expected ROLE TOKEN \[NAME\]/],
    ['an unknown role', `admin ${VIEWER}\n`, /line 1: the role must be viewer or operator/],
    ['a token no Bearer header carries', 'viewer tok,en\n', /line 1: a token may hold only/],
    ['a name with control characters', `viewer ${VIEWER} bob\u0007\n`, /printable text/],
  ])('refuses a tokens file with %s, naming the line', (_case, text, message) => {
    expect(() => parseTokensFile(text, 'tokens')).toThrow(TokenListError);
    expect(() => parseTokensFile(text, 'tokens')).toThrow(message);
  });

  it('refuses one token given twice, naming both places and never the token', () => {
    const read = () => readConfig(['--tokens-file', file], { VSG_TOKENS: `operator:${VIEWER}` });

    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`VSG_TOKENS entry 1: the same token as ${file} line 3`);
    try {
      read();
    } catch (error) {
      expect((error as Error).message).not.toContain(VIEWER);
    }
  });

  it('refuses a tokens file it cannot read, and takes no token on the command line', () => {
    expect(() => readConfig(['--tokens-file', join(directory, 'none')], {})).toThrow(
      /cannot read --tokens-file/,
    );
    expect(() => readConfig(['--token', VIEWER], {})).toThrow(/Unknown option '--token'/);
  });

  it('listens anywhere with tokens, and only on loopback without them', () => {
    for (const host of ['127.0.0.1', '127.3.4.5', '::1', 'localhost']) {
      expect(readConfig(['--host', host], {}).host).toBe(host);
    }

    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) {
      expect(() => readConfig(['--host', host], {})).toThrow(ConfigError);
      expect(() => readConfig([], { HOST: host })).toThrow(/needs tokens/);
      expect(readConfig(['--host', host], { VSG_TOKENS: `viewer:${VIEWER}` }).host).toBe(host);
    }
  });

  it('exits with status 2 and says why when asked to listen openly without tokens', () => {
    const run = spawnSync(
      process.execPath,
      ['bin/virt-snapshot-graphql.js', '--host', '0.0.0.0', '--port', '0'],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, VSG_TOKENS: '' } },
    );

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/listening on 0\.0\.0\.0 needs tokens.*--tokens-file.*VSG_TOKENS/s);
  });
});

describe('checking a bearer token', () => {
  const access = new Access(parseTokensEnv(`viewer:${VIEWER}:bob,operator:${OPERATOR}:alice`));

  it('finds the role and name of a known token, whatever the case of "Bearer"', () => {
    expect(access.authenticate(`Bearer ${VIEWER}`)).toEqual({
      identity: { role: 'VIEWER', tokenName: 'bob' },
    });
    expect(access.authenticate(`bearer ${OPERATOR}`)).toEqual({
      identity: { role: 'OPERATOR', tokenName: 'alice' },
    });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    [`Basic ${VIEWER}`, 'malformed'],
    [VIEWER, 'malformed'],
    [42, 'malformed'],
    [`Bearer ${VIEWER.slice(0, -1)}`, 'unknown'],
    [`Bearer ${VIEWER}0`, 'unknown'],
    [`Bearer ${VIEWER.toUpperCase()}`, 'unknown'],
  ])('refuses %j as %s', (authorization, failure) => {
    expect(access.authenticate(authorization)).toEqual({ failure });
  });

  it('makes everyone an operator with no name when there are no tokens', () => {
    expect(new Access([]).authenticate(undefined)).toEqual({
      identity: { role: 'OPERATOR', tokenName: null },
    });
  });
});

/** One operation over HTTP with `token` (none when undefined): its status, headers and body. */
async function send<R, V>(
  url: string,
  token: string | undefined,
  document: TypedDocumentNode<R, V>,
  variables?: V,
): Promise<{ status: number; headers: Headers; body: Response<R> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });

  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('a server with tokens', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;
  let lines: string[];
  let domainId: string;
  let snapshotIds: Record<string, string>;

  /** Everything a refused change must leave as it was: names, parents, current, XML. */
  async function tree(): Promise<unknown> {
    const result = await send(server.url, VIEWER, AccessTreeDocument, { domain: 'vm' });

    return result.body.data?.domain?.snapshots.nodes;
  }

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots: chain(['base', 'mid', 'top']) }]);
    lines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { tokens } = readConfig([], {
      VSG_TOKENS: `viewer:${VIEWER}:bob,operator:${OPERATOR}:alice`,
    });
    server = await startTestServer({
      uris: [fixture.uri],
      config: { tokens },
      logger: pino({ level: 'info' }, sink),
    });
    const listed = await send(server.url, VIEWER, AccessTreeDocument, { domain: 'vm' });
    domainId = listed.body.data?.domain?.id ?? '';
    snapshotIds = Object.fromEntries(
      (listed.body.data?.domain?.snapshots.nodes ?? []).map((node) => [node.name, node.id]),
    );
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it.each([
    [undefined, /^Bearer realm="virt-snapshot-graphql"$/, /no token was sent/],
    [`Basic ${VIEWER}`, /error="invalid_request"/, /not of the form "Bearer TOKEN"/],
    [`Bearer ${OPERATOR}x`, /error="invalid_token"/, /not one this server accepts/],
  ])(
    'answers %j with 401 and a Bearer challenge over HTTP',
    async (authorization, challenge, why) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: JSON.stringify({ query: '{ access { role } }' }),
      });
      const body = (await response.json()) as Response<unknown>;

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(challenge);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.errors?.[0]?.message).toMatch(why);
    },
  );

  it('tells each caller its role and name', async () => {
    const viewer = await send(server.url, VIEWER, AccessWhoAmIDocument);
    const operator = await send(server.url, OPERATOR, AccessWhoAmIDocument);

    expect(viewer.body.data?.access).toEqual({ role: 'VIEWER', tokenName: 'bob' });
    expect(operator.body.data?.access).toEqual({ role: 'OPERATOR', tokenName: 'alice' });
  });

  it('serves GraphiQL, /healthz and /readyz without a token, as a browser asks for them', async () => {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/GraphiQL/i);

    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
  });

  it('lets a viewer read XML, and only an operator read it with secure: true', async () => {
    const variables = { domain: 'vm', name: 'mid' };
    const viewer = await send(server.url, VIEWER, AccessSecureXmlDocument, variables);
    const operator = await send(server.url, OPERATOR, AccessSecureXmlDocument, variables);

    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(viewer.body.errors?.[0]?.message).toMatch(/secure: true.*operator/);
    expect(operator.body.errors).toBeUndefined();
    expect(operator.body.data?.domain?.snapshot?.xml).toMatch(/<name>mid<\/name>/);
    expect(JSON.stringify(await tree())).toMatch(/<name>mid<\\\/name>|<name>mid<\/name>/);
  });

  it('refuses every mutation of a viewer with FORBIDDEN and leaves the snapshots as they were', async () => {
    const before = await tree();
    const midId = snapshotIds.mid ?? '';
    const refused = [
      await send(server.url, VIEWER, AccessCreateDocument, { input: { domainId, name: 'nope' } }),
      await send(server.url, VIEWER, AccessRevertDocument, { input: { snapshotId: midId } }),
      await send(server.url, VIEWER, AccessDeleteDocument, { input: { snapshotId: midId } }),
      await send(server.url, VIEWER, AccessRedefineDocument, {
        input: {
          domainId,
          xml: '<domainsnapshot><name>mid</name><description>taken over</description></domainsnapshot>',
        },
      }),
    ];

    for (const result of refused) {
      expect(result.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.body.errors?.[0]?.message).toMatch(/needs the operator role/);
    }
    expect(await tree()).toEqual(before);
  });

  it('logs each change once with who made it and its outcome, and never a token', async () => {
    lines.length = 0;
    await send(server.url, VIEWER, AccessCreateDocument, { input: { domainId, name: 'denied' } });
    const made = await send(server.url, OPERATOR, AccessCreateDocument, {
      input: { domainId, name: 'by-alice' },
    });
    expect(made.body.errors).toBeUndefined();
    await send(server.url, OPERATOR, AccessCreateDocument, {
      input: { domainId, name: 'by-alice' },
    });

    const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.operation);
    expect(logged).toEqual([
      expect.objectContaining({ operation: 'createSnapshot', by: 'bob', outcome: 'FORBIDDEN' }),
      expect.objectContaining({
        operation: 'createSnapshot',
        by: 'alice',
        role: 'OPERATOR',
        domain: 'vm',
        snapshot: 'by-alice',
        outcome: 'ok',
      }),
      expect.objectContaining({ by: 'alice', outcome: 'CONFLICT', reason: 'NAME_TAKEN' }),
    ]);
    expect(lines.join('')).not.toContain(VIEWER);
    expect(lines.join('')).not.toContain(OPERATOR);
  });

  it('closes a WebSocket without a valid token with 4403, before any operation runs', async () => {
    for (const token of [undefined, `${VIEWER}-guess`]) {
      const client = wsClient(server.url, { token });
      const subscriber = client.subscribe(AccessEventsDocument, { domainId });

      expect(await subscriber.end()).toBe('closed 4403');
      await client.dispose();
    }
  });

  it('refuses an SSE subscription without a valid token with 401', async () => {
    await expect(sseSubscribe(server.url, AccessEventsDocument, { domainId })).rejects.toThrow(
      /the SSE request failed: 401.*UNAUTHENTICATED/,
    );
    await expect(
      sseSubscribe(server.url, AccessEventsDocument, { domainId }, OPERATOR.slice(1)),
    ).rejects.toThrow(/401/);
  });

  it('lets a viewer subscribe over graphql-ws and SSE, and refuses its mutation over graphql-ws', async () => {
    const client = wsClient(server.url, { token: VIEWER });
    const overWs = client.subscribe(AccessEventsDocument, { domainId });
    const overSse = await sseSubscribe(server.url, AccessEventsDocument, { domainId }, VIEWER);
    // A subscription starts listening when its first operation is under way.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const refused = client.subscribe(AccessCreateDocument, { input: { domainId, name: 'ws' } });
    expect((await refused.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const made = await send(server.url, OPERATOR, AccessCreateDocument, {
      input: { domainId, name: 'seen-by-viewers' },
    });
    expect(made.body.errors).toBeUndefined();

    const expected = { type: 'CREATED', origin: 'API', snapshotName: 'seen-by-viewers' };
    expect((await overWs.nextData()).snapshotEvents).toEqual(expected);
    expect((await overSse.nextData()).snapshotEvents).toEqual(expected);
    overSse.unsubscribe();
    await client.dispose();
  });
});

describe('a server without tokens', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots: chain(['base']) }]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it('takes every caller, with a token or without, for a nameless operator', async () => {
    expect((await send(server.url, undefined, AccessWhoAmIDocument)).body.data?.access).toEqual({
      role: 'OPERATOR',
      tokenName: null,
    });
    expect((await send(server.url, VIEWER, AccessWhoAmIDocument)).body.data?.access).toEqual({
      role: 'OPERATOR',
      tokenName: null,
    });
  });
});
