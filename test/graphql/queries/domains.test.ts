import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import { chain, type TestDriverFixture, testDriverFixture } from '../../support/test-driver.ts';
import {
  DomainsHostDocument,
  DomainsHostStatusDocument,
  DomainsHostsDocument,
  DomainsListDocument,
  DomainsLookupDocument,
  DomainsSnapshotsDocument,
  DomainsStatesDocument,
} from './domains.generated.ts';

const UUIDS = {
  shared: '7d3c0e61-1f0a-4b8e-8a55-0c0f6a1e2b01',
  sharedOnB: '7d3c0e61-1f0a-4b8e-8a55-0c0f6a1e2b02',
  bare: '7d3c0e61-1f0a-4b8e-8a55-0c0f6a1e2b03',
  onlyB: '7d3c0e61-1f0a-4b8e-8a55-0c0f6a1e2b04',
};

/** Domains sorted by name, then UUID: the contract leaves libvirt's order as it is. */
function byName<T extends { name: string; uuid?: string }>(domains: T[]): T[] {
  return [...domains].sort(
    (x, y) => x.name.localeCompare(y.name) || (x.uuid ?? '').localeCompare(y.uuid ?? ''),
  );
}

// Two hosts: "shared" is a domain name on both, "bare" and "only-b" on one each.
describe('hosts and domains', () => {
  let a: TestDriverFixture;
  let b: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    a = testDriverFixture([
      { name: 'shared', uuid: UUIDS.shared, snapshots: chain(['first', 'second', 'third']) },
      { name: 'bare', uuid: UUIDS.bare },
    ]);
    b = testDriverFixture([
      { name: 'shared', uuid: UUIDS.sharedOnB, snapshots: chain(['other']) },
      { name: 'only-b', uuid: UUIDS.onlyB },
    ]);
    server = await startTestServer({ uris: [a.uri, b.uri] });
  });

  afterAll(async () => {
    await server.stop();
    a.dispose();
    b.dispose();
  });

  describe('hosts', () => {
    it('lists every configured host with its domains', async () => {
      const { hosts } = await server.data(DomainsHostsDocument);

      expect(hosts).toEqual(
        [a, b].map((fixture) => ({
          id: expect.any(String),
          name: fixture.uri,
          uri: fixture.uri,
          connected: true,
          readOnly: false,
          libvirtVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
          hypervisor: 'TEST',
          domains: expect.any(Array),
        })),
      );
      expect(byName(hosts[0]?.domains ?? [])).toEqual([
        { name: 'bare', uuid: UUIDS.bare },
        { name: 'shared', uuid: UUIDS.shared },
      ]);
      expect(byName(hosts[1]?.domains ?? [])).toEqual([
        { name: 'only-b', uuid: UUIDS.onlyB },
        { name: 'shared', uuid: UUIDS.sharedOnB },
      ]);
    });
  });

  describe('host', () => {
    it('finds a host by name', async () => {
      const { host } = await server.data(DomainsHostDocument, { name: b.uri });

      expect({ ...host, domains: byName(host?.domains ?? []) }).toEqual({
        id: expect.any(String),
        name: b.uri,
        uri: b.uri,
        domains: [{ name: 'only-b' }, { name: 'shared' }],
      });
    });

    it('answers null for a name no host has', async () => {
      expect((await server.data(DomainsHostDocument, { name: 'test:///nowhere' })).host).toBeNull();
    });
  });

  describe('domains', () => {
    it('lists the domains of every host when no host is named', async () => {
      const { domains } = await server.data(DomainsListDocument, {});

      // Host by host, in the order they are configured.
      expect(domains.map((domain) => domain.host.name)).toEqual([a.uri, a.uri, b.uri, b.uri]);
      expect(byName(domains).map((domain) => [domain.name, domain.uuid])).toEqual([
        ['bare', UUIDS.bare],
        ['only-b', UUIDS.onlyB],
        ['shared', UUIDS.shared],
        ['shared', UUIDS.sharedOnB],
      ]);
    });

    it('lists the domains of the named host', async () => {
      const { domains } = await server.data(DomainsListDocument, { host: b.uri });

      expect(byName(domains)).toEqual([
        { name: 'only-b', uuid: UUIDS.onlyB, host: { name: b.uri } },
        { name: 'shared', uuid: UUIDS.sharedOnB, host: { name: b.uri } },
      ]);
    });

    it('refuses an unknown host with NOT_FOUND', async () => {
      expect(await server.errorCode(DomainsListDocument, { host: 'test:///nowhere' })).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('domain', () => {
    it('finds a domain by name when one host has it', async () => {
      const { domain } = await server.data(DomainsLookupDocument, { name: 'only-b' });

      expect(domain).toMatchObject({ name: 'only-b', uuid: UUIDS.onlyB, host: { name: b.uri } });
    });

    it('finds a domain by UUID', async () => {
      const { domain } = await server.data(DomainsLookupDocument, { uuid: UUIDS.bare });

      expect(domain).toMatchObject({ name: 'bare', uuid: UUIDS.bare, host: { name: a.uri } });
    });

    it('finds a domain by name on the named host', async () => {
      const { domain } = await server.data(DomainsLookupDocument, { name: 'shared', host: b.uri });

      expect(domain).toMatchObject({ uuid: UUIDS.sharedOnB, host: { name: b.uri } });
    });

    it('finds a domain by UUID on the named host, and not on the other', async () => {
      const found = await server.data(DomainsLookupDocument, { uuid: UUIDS.onlyB, host: b.uri });
      const missing = await server.data(DomainsLookupDocument, { uuid: UUIDS.onlyB, host: a.uri });

      expect(found.domain?.name).toBe('only-b');
      expect(missing.domain).toBeNull();
    });

    it('refuses a name that several hosts have unless the host is named', async () => {
      expect(await server.errorCode(DomainsLookupDocument, { name: 'shared' })).toBe(
        'BAD_USER_INPUT',
      );
    });

    it.each([
      ['both name and uuid', { name: 'bare', uuid: UUIDS.bare }],
      ['neither name nor uuid', {}],
      ['neither, with a host', { host: 'test:///nowhere' }],
      ['null for both', { name: null, uuid: null }],
    ])('refuses %s with BAD_USER_INPUT', async (_what, variables) => {
      expect(await server.errorCode(DomainsLookupDocument, variables)).toBe('BAD_USER_INPUT');
    });

    it('refuses a UUID that is not one with BAD_USER_INPUT', async () => {
      expect(await server.errorCode(DomainsLookupDocument, { uuid: 'not-a-uuid' })).toBe(
        'BAD_USER_INPUT',
      );
    });

    it('refuses an unknown host with NOT_FOUND', async () => {
      expect(
        await server.errorCode(DomainsLookupDocument, { name: 'bare', host: 'test:///nowhere' }),
      ).toBe('NOT_FOUND');
    });

    it('answers null for a name or UUID no domain has', async () => {
      const byName = await server.data(DomainsLookupDocument, { name: 'nothing' });
      const byUuid = await server.data(DomainsLookupDocument, {
        uuid: '00000000-0000-4000-8000-000000000000',
      });
      const onHost = await server.data(DomainsLookupDocument, { name: 'only-b', host: a.uri });

      expect([byName.domain, byUuid.domain, onHost.domain]).toEqual([null, null, null]);
    });
  });

  describe('Domain', () => {
    it('has every field of a domain with snapshots', async () => {
      const { domain } = await server.data(DomainsSnapshotsDocument, {
        name: 'shared',
        host: a.uri,
        snapshot: 'second',
      });

      expect(domain).toEqual({
        id: expect.any(String),
        uuid: UUIDS.shared,
        name: 'shared',
        host: { id: expect.any(String), name: a.uri },
        // The test driver starts every domain of its file running.
        state: 'RUNNING',
        persistent: true,
        hasCurrentSnapshot: true,
        currentSnapshot: { id: expect.any(String), name: 'third' },
        snapshot: { id: expect.any(String), name: 'second' },
        snapshotCount: 3,
        snapshotNames: expect.arrayContaining(['first', 'second', 'third']),
        snapshots: {
          totalCount: 3,
          nodes: [{ name: 'first' }, { name: 'second' }, { name: 'third' }],
        },
      });
      expect(domain?.snapshotNames).toHaveLength(3);
    });

    it('has every field of a domain without snapshots', async () => {
      const { domain } = await server.data(DomainsSnapshotsDocument, {
        name: 'bare',
        snapshot: 'anything',
      });

      expect(domain).toEqual({
        id: expect.any(String),
        uuid: UUIDS.bare,
        name: 'bare',
        host: { id: expect.any(String), name: a.uri },
        state: 'RUNNING',
        persistent: true,
        hasCurrentSnapshot: false,
        currentSnapshot: null,
        snapshot: null,
        snapshotCount: 0,
        snapshotNames: [],
        snapshots: { totalCount: 0, nodes: [] },
      });
    });

    it('answers null for a snapshot name the domain does not have', async () => {
      const { domain } = await server.data(DomainsSnapshotsDocument, {
        name: 'shared',
        host: b.uri,
        snapshot: 'first',
      });

      expect(domain?.snapshot).toBeNull();
      expect(domain?.snapshotNames).toEqual(['other']);
    });

    it('gives the same domain the same ID however it is found', async () => {
      const byName = await server.data(DomainsLookupDocument, { name: 'bare' });
      const byUuid = await server.data(DomainsLookupDocument, { uuid: UUIDS.bare });
      const { domains } = await server.data(DomainsListDocument, { host: a.uri });
      const other = await server.data(DomainsLookupDocument, { name: 'shared', host: b.uri });

      expect(byName.domain?.id).toBe(byUuid.domain?.id);
      expect(domains).toHaveLength(2);
      expect(byName.domain?.id).not.toBe(other.domain?.id);
    });
  });
});

describe('a host that cannot be reached', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;
  const unreachable = 'test:///no/such/fixture.xml';

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'up' }]);
    server = await startTestServer({ uris: [fixture.uri, unreachable] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it('is listed, not connected', async () => {
    const { host } = await server.data(DomainsHostStatusDocument, { name: unreachable });

    expect(host).toEqual({ name: unreachable, uri: unreachable, connected: false });
  });

  // The error the answer carries beside its data for the host it left out.
  const leftOut = (path: string) => [
    expect.objectContaining({
      path: [path],
      extensions: { code: 'UNAVAILABLE', host: unreachable },
    }),
  ];

  it('is left out of the domains of every host, and the answer says so', async () => {
    const { data, errors } = await server.request(DomainsListDocument, {});

    expect(data?.domains.map((domain) => [domain.host.name, domain.name])).toEqual([
      [fixture.uri, 'up'],
    ]);
    expect(errors).toEqual(leftOut('domains'));
  });

  it('does not keep domain from finding the domains of the hosts that are up', async () => {
    const byName = await server.request(DomainsLookupDocument, { name: 'up' });
    const uuid = byName.data?.domain?.uuid;
    const byUuid = await server.request(DomainsLookupDocument, { uuid });
    const missing = await server.request(DomainsLookupDocument, { name: 'nothing' });

    expect(byName.data?.domain).toMatchObject({ name: 'up', host: { name: fixture.uri } });
    expect(byUuid.data?.domain?.name).toBe('up');
    expect(missing.data?.domain).toBeNull();
    for (const answer of [byName, byUuid, missing]) {
      expect(answer.errors).toEqual(leftOut('domain'));
    }
  });

  it('answers UNAVAILABLE for a domain looked up on it', async () => {
    expect(await server.errorCode(DomainsLookupDocument, { name: 'up', host: unreachable })).toBe(
      'UNAVAILABLE',
    );
  });

  it('answers UNAVAILABLE for its own domains', async () => {
    expect(await server.errorCode(DomainsListDocument, { host: unreachable })).toBe('UNAVAILABLE');
  });
});

describe('Domain.state and persistent', () => {
  const states = [
    'nostate',
    'running',
    'blocked',
    'paused',
    'shutdown',
    'shutoff',
    'crashed',
    'pmsuspended',
  ] as const;
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([
      ...states.map((state) => ({ name: `vm-${state}`, state })),
      { name: 'transient', transient: true },
    ]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it('reports every state libvirt has for a domain', async () => {
    const { domains } = await server.data(DomainsStatesDocument, {});
    const byName = Object.fromEntries(domains.map((domain) => [domain.name, domain]));

    expect(states.map((state) => byName[`vm-${state}`])).toEqual(
      states.map((state) => ({
        name: `vm-${state}`,
        state: state.toUpperCase(),
        persistent: true,
      })),
    );
  });

  it('reports a transient domain as not persistent', async () => {
    const { domains } = await server.data(DomainsStatesDocument, {});

    expect(domains.find((domain) => domain.name === 'transient')).toEqual({
      name: 'transient',
      state: 'RUNNING',
      persistent: false,
    });
  });
});
