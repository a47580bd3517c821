import { copyFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import {
  chain,
  type FixtureDomain,
  type TestDriverFixture,
  testDriverFixture,
} from '../../support/test-driver.ts';
import {
  IdentityIdsDocument,
  IdentityNodeDocument,
  IdentityNodesDocument,
} from './identity.generated.ts';

const VM1 = '0b6f8a52-5c1e-4d1f-9a0e-5f3f4c2d1a01';
const VM2 = '0b6f8a52-5c1e-4d1f-9a0e-5f3f4c2d1a02';

const vm1: FixtureDomain = { name: 'vm1', uuid: VM1, snapshots: chain(['base', 'upgrade']) };
const vm2: FixtureDomain = { name: 'vm2', uuid: VM2, snapshots: chain(['only']) };

/** The IDs the server gives the host, vm1, its snapshot `name`, and vm2 with its snapshot. */
async function idsOf(server: TestServer, name = 'upgrade') {
  const first = await server.data(IdentityIdsDocument, { domain: 'vm1', snapshot: name });
  const second = await server.data(IdentityIdsDocument, { domain: 'vm2', snapshot: 'only' });

  return {
    host: first.hosts[0]?.id ?? '',
    domain: first.domain?.id ?? '',
    snapshot: first.domain?.snapshot?.id ?? '',
    otherDomain: second.domain?.id ?? '',
    otherSnapshot: second.domain?.snapshot?.id ?? '',
  };
}

/** Replaces the fixture's file, so that the next connection to its URI reads `domains`. */
function rewrite(fixture: TestDriverFixture, domains: FixtureDomain[]): void {
  const next = testDriverFixture(domains);
  copyFileSync(next.uri.slice('test://'.length), fixture.uri.slice('test://'.length));
  next.dispose();
}

/** An ID as this server writes them (base64url of `Typename:key`), to forge broken ones. */
function forge(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decode(id: string): string {
  return Buffer.from(id, 'base64url').toString('utf8');
}

describe('node and nodes', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;
  let ids: Awaited<ReturnType<typeof idsOf>>;

  beforeAll(async () => {
    fixture = testDriverFixture([vm1, vm2]);
    server = await startTestServer({ uris: [fixture.uri] });
    ids = await idsOf(server);
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it('resolves the ID of a host', async () => {
    const { node } = await server.data(IdentityNodeDocument, { id: ids.host });

    expect(node).toEqual({ __typename: 'Host', id: ids.host, name: fixture.uri });
  });

  it('resolves the ID of a domain', async () => {
    const { node } = await server.data(IdentityNodeDocument, { id: ids.domain });

    expect(node).toEqual({
      __typename: 'Domain',
      id: ids.domain,
      name: 'vm1',
      host: { id: ids.host },
    });
  });

  it('resolves the ID of a snapshot', async () => {
    const { node } = await server.data(IdentityNodeDocument, { id: ids.snapshot });

    expect(node).toEqual({
      __typename: 'Snapshot',
      id: ids.snapshot,
      name: 'upgrade',
      domain: { id: ids.domain },
    });
  });

  it('gives every object an ID of its own', () => {
    const all = Object.values(ids);

    expect(new Set(all).size).toBe(all.length);
  });

  it('resolves several IDs in the order given', async () => {
    const { nodes } = await server.data(IdentityNodesDocument, {
      ids: [ids.snapshot, ids.host, ids.otherDomain, ids.domain, ids.otherSnapshot],
    });

    expect(nodes.map((node) => [node?.__typename, node?.id])).toEqual([
      ['Snapshot', ids.snapshot],
      ['Host', ids.host],
      ['Domain', ids.otherDomain],
      ['Domain', ids.domain],
      ['Snapshot', ids.otherSnapshot],
    ]);
  });

  it('answers null for a snapshot name the domain does not have', async () => {
    const [, key] = /^Snapshot:(.*)$/s.exec(decode(ids.snapshot)) ?? [];
    const parts = JSON.parse(key ?? '[]') as string[];
    const missing = forge(`Snapshot:${JSON.stringify([parts[0], parts[1], 'never-taken'])}`);

    expect((await server.data(IdentityNodeDocument, { id: missing })).node).toBeNull();
  });

  it.each([
    ['a plain string', 'not-an-id'],
    ['an empty string', ''],
    ['characters outside base64url', '%%%/+='],
    ['base64 of text without a typename', forge('hello')],
    ['base64 of garbage bytes', Buffer.from([0xff, 0xfe, 0x00, 0x3a, 0x80]).toString('base64url')],
    ['a typename this server does not have', forge('StoragePool:["a","b"]')],
    ['a Domain key under the Snapshot typename', 'domain→snapshot'],
    ['a Snapshot key under the Domain typename', 'snapshot→domain'],
    ['a Snapshot typename with a key that is no JSON', forge('Snapshot:vm1/upgrade')],
    ['a Domain typename with a key of numbers', forge('Domain:[1,2]')],
  ])('refuses %s with BAD_USER_INPUT', async (_what, given) => {
    const typename = (id: string, name: string) => forge(decode(id).replace(/^\w+:/, `${name}:`));
    const id =
      given === 'domain→snapshot'
        ? typename(ids.domain, 'Snapshot')
        : given === 'snapshot→domain'
          ? typename(ids.snapshot, 'Domain')
          : given;

    expect(await server.errorCode(IdentityNodeDocument, { id })).toBe('BAD_USER_INPUT');
    expect(await server.errorCode(IdentityNodesDocument, { ids: [ids.host, id] })).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('IDs across restarts', () => {
  let fixture: TestDriverFixture;
  let other: TestDriverFixture;
  let server: TestServer | undefined;

  beforeAll(() => {
    fixture = testDriverFixture([vm1, vm2]);
    other = testDriverFixture([{ name: 'elsewhere' }]);
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  afterAll(() => {
    fixture.dispose();
    other.dispose();
  });

  it('stay the same for the same host, domain and snapshot', async () => {
    server = await startTestServer({ uris: [fixture.uri] });
    const before = await idsOf(server);
    await server.stop();

    server = await startTestServer({ uris: [fixture.uri] });
    const after = await idsOf(server);
    const { node } = await server.data(IdentityNodeDocument, { id: before.snapshot });

    expect(after).toEqual(before);
    expect(node).toMatchObject({ __typename: 'Snapshot', name: 'upgrade' });
  });

  it('resolve to null once the snapshot or domain is gone', async () => {
    server = await startTestServer({ uris: [fixture.uri] });
    const before = await idsOf(server);
    await server.stop();

    rewrite(fixture, [{ ...vm1, snapshots: chain(['base']) }]);
    server = await startTestServer({ uris: [fixture.uri] });
    const { nodes } = await server.data(IdentityNodesDocument, {
      ids: [before.host, before.domain, before.snapshot, before.otherDomain, before.otherSnapshot],
    });

    expect(nodes.map((node) => node?.__typename ?? null)).toEqual([
      'Host',
      'Domain',
      null,
      null,
      null,
    ]);
    expect((await server.data(IdentityNodeDocument, { id: before.snapshot })).node).toBeNull();
    expect((await server.data(IdentityNodeDocument, { id: before.otherDomain })).node).toBeNull();
  });

  it('resolve to null once the host is no longer configured', async () => {
    rewrite(fixture, [vm1, vm2]);
    server = await startTestServer({ uris: [fixture.uri] });
    const before = await idsOf(server);
    await server.stop();

    server = await startTestServer({ uris: [other.uri] });
    const { nodes } = await server.data(IdentityNodesDocument, {
      ids: [before.host, before.domain, before.snapshot],
    });

    expect(nodes).toEqual([null, null, null]);
  });
});
