import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotFilter } from '../../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import { type TestDriverFixture, testDriverFixture } from '../../support/test-driver.ts';
import {
  SnapshotsChildCountDocument,
  SnapshotsChildNamesDocument,
  SnapshotsChildrenDocument,
  SnapshotsDescendantsDocument,
  SnapshotsEveryFieldDocument,
  SnapshotsSubtreeDocument,
  SnapshotsXmlDocument,
} from './snapshots.generated.ts';

const T = 1_700_000_000;
const DESCRIPTION = `Before "upgrade" <v2> & 'friends'`;
const MEMORY_FILE = '/var/lib/libvirt/qemu/snapshot/vm/b.mem';
const DISK_FILE = '/var/lib/libvirt/images/vm.a1.qcow2';

/** An ISO-8601 instant with Z, to the second, for `seconds` since the epoch. */
function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

// root{a{a1}, b{b1}}: one snapshot of each kind, internal and external, a1 current.
const fixtureSnapshots = [
  { name: 'root', state: 'running', creationTime: T, description: DESCRIPTION },
  { name: 'a', parent: 'root', state: 'shutoff', creationTime: T + 10 },
  {
    name: 'a1',
    parent: 'a',
    state: 'disk-snapshot',
    creationTime: T + 20,
    current: true,
    disks: [
      { name: 'vda', snapshot: 'external', driverType: 'qcow2', sourceFile: DISK_FILE },
      { name: 'vdb', snapshot: 'no' },
    ],
  },
  {
    name: 'b',
    parent: 'root',
    state: 'running',
    creationTime: T + 30,
    memory: { snapshot: 'external', file: MEMORY_FILE },
  },
  { name: 'b1', parent: 'b', state: 'paused', creationTime: T + 40 },
];

describe('Snapshot', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots: fixtureSnapshots }]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  async function everySnapshot() {
    const { domain } = await server.data(SnapshotsEveryFieldDocument, { domain: 'vm' });
    const nodes = domain?.snapshots.nodes ?? [];

    return new Map(nodes.map((node) => [node.name, node]));
  }

  describe('fields read from the XML', () => {
    it('has every field of a running snapshot with a description', async () => {
      const root = (await everySnapshot()).get('root');

      expect(root).toEqual({
        id: expect.any(String),
        name: 'root',
        domain: { id: expect.any(String), name: 'vm' },
        host: { id: expect.any(String), name: fixture.uri },
        description: DESCRIPTION,
        state: 'RUNNING',
        kind: 'ACTIVE',
        location: 'INTERNAL',
        creationTime: '2023-11-14T22:13:20Z',
        memory: { mode: 'INTERNAL', file: null },
        disks: [],
        isCurrent: false,
        hasMetadata: true,
        parent: null,
        ancestors: [],
        xml: expect.stringContaining('<name>root</name>'),
      });
    });

    it('reads a snapshot of a shut-off domain as INACTIVE, with no memory', async () => {
      const a = (await everySnapshot()).get('a');

      expect(a).toMatchObject({
        description: null,
        state: 'SHUTOFF',
        kind: 'INACTIVE',
        location: 'INTERNAL',
        creationTime: iso(T + 10),
        memory: { mode: 'NO', file: null },
        disks: [],
        parent: { name: 'root' },
        ancestors: [{ name: 'root' }],
      });
    });

    it('reads a disk-only snapshot with an external disk as DISK_ONLY and EXTERNAL', async () => {
      const a1 = (await everySnapshot()).get('a1');

      expect(a1).toMatchObject({
        state: 'DISK_SNAPSHOT',
        kind: 'DISK_ONLY',
        location: 'EXTERNAL',
        creationTime: iso(T + 20),
        memory: { mode: 'NO', file: null },
        disks: [
          { name: 'vda', mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: DISK_FILE },
          { name: 'vdb', mode: 'NO', driverType: null, sourceFile: null },
        ],
        isCurrent: true,
      });
    });

    it('reads a snapshot with external memory as EXTERNAL', async () => {
      const b = (await everySnapshot()).get('b');

      expect(b).toMatchObject({
        state: 'RUNNING',
        kind: 'ACTIVE',
        location: 'EXTERNAL',
        memory: { mode: 'EXTERNAL', file: MEMORY_FILE },
        disks: [],
      });
    });

    it('reads a snapshot of a paused domain as ACTIVE', async () => {
      const b1 = (await everySnapshot()).get('b1');

      expect(b1).toMatchObject({ state: 'PAUSED', kind: 'ACTIVE', location: 'INTERNAL' });
    });

    it('writes creationTime as ISO-8601 in UTC with Z', async () => {
      const times = [...(await everySnapshot()).values()].map((node) => node.creationTime);

      expect(times).toEqual([T, T + 10, T + 20, T + 30, T + 40].map(iso));
      for (const time of times) {
        expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
    });
  });

  describe('fields of the tree', () => {
    it('points each snapshot at its parent, and lists ancestors parent first', async () => {
      const snapshots = await everySnapshot();
      const ancestry = [...snapshots.values()].map((node) => [
        node.name,
        node.parent?.name ?? null,
        node.ancestors.map((ancestor) => ancestor.name),
      ]);

      expect(ancestry).toEqual([
        ['root', null, []],
        ['a', 'root', ['root']],
        ['a1', 'a', ['a', 'root']],
        ['b', 'root', ['root']],
        ['b1', 'b', ['b', 'root']],
      ]);
      expect(snapshots.get('a1')?.parent?.id).toBe(snapshots.get('a')?.id);
    });

    it('marks the current snapshot, and only that one', async () => {
      const { domain } = await server.data(SnapshotsEveryFieldDocument, { domain: 'vm' });
      const current = domain?.snapshots.nodes.filter((node) => node.isCurrent);

      expect(current?.map((node) => node.name)).toEqual(['a1']);
      expect(domain?.currentSnapshot).toEqual({ name: 'a1' });
    });

    it('reports metadata for every snapshot of the test driver', async () => {
      const flags = [...(await everySnapshot()).values()].map((node) => node.hasMetadata);

      expect(flags).toEqual([true, true, true, true, true]);
    });

    it('belongs to its domain and host', async () => {
      const { domain } = await server.data(SnapshotsEveryFieldDocument, { domain: 'vm' });
      const owners = new Set(
        domain?.snapshots.nodes.map((node) => `${node.domain.name} ${node.host.name}`),
      );

      expect([...owners]).toEqual([`vm ${fixture.uri}`]);
    });
  });

  describe('xml', () => {
    it('returns the <domainsnapshot> document, with XML special characters escaped', async () => {
      const { domain } = await server.data(SnapshotsXmlDocument, {
        domain: 'vm',
        name: 'root',
        secure: false,
      });
      const xml = domain?.snapshot?.xml ?? '';

      expect(xml).toMatch(/^<domainsnapshot>\s*<name>root<\/name>/);
      expect(xml).toContain(
        '<description>Before &quot;upgrade&quot; &lt;v2&gt; &amp; &apos;friends&apos;</description>',
      );
      expect(xml).toContain('<state>running</state>');
      expect(xml).toContain(`<creationTime>${T}</creationTime>`);
      expect(xml).toMatch(/<\/domainsnapshot>\s*$/);
      expect(domain?.snapshot?.defaultXml).toBe(xml);
    });

    it('returns the external disk and memory as libvirt writes them', async () => {
      const a1 = await server.data(SnapshotsXmlDocument, { domain: 'vm', name: 'a1' });
      const b = await server.data(SnapshotsXmlDocument, { domain: 'vm', name: 'b' });

      expect(a1.domain?.snapshot?.xml).toContain(`<source file='${DISK_FILE}'/>`);
      expect(a1.domain?.snapshot?.xml).toContain('<parent>');
      expect(b.domain?.snapshot?.xml).toContain(
        `<memory snapshot='external' file='${MEMORY_FILE}'/>`,
      );
    });

    it('returns the secure document to an operator', async () => {
      const { domain } = await server.data(SnapshotsXmlDocument, {
        domain: 'vm',
        name: 'b1',
        secure: true,
      });

      expect(domain?.snapshot?.xml).toContain('<name>b1</name>');
    });
  });

  describe('children, descendants, childCount and childNames', () => {
    async function subtree(name: string, filter?: SnapshotFilter) {
      const { domain } = await server.data(SnapshotsSubtreeDocument, {
        domain: 'vm',
        name,
        filter,
      });
      const snapshot = domain?.snapshot;

      return {
        children: snapshot?.children.nodes.map((node) => node.name),
        childrenTotal: snapshot?.children.totalCount,
        descendants: snapshot?.descendants.nodes.map((node) => node.name),
        descendantsTotal: snapshot?.descendants.totalCount,
        childCount: snapshot?.childCount,
        descendantCount: snapshot?.descendantCount,
        // libvirt's order; the contract names none.
        childNames: [...(snapshot?.childNames ?? [])].sort(),
        descendantNames: [...(snapshot?.descendantNames ?? [])].sort(),
      };
    }

    function expected(children: string[], descendants: string[]) {
      return {
        children,
        childrenTotal: children.length,
        descendants,
        descendantsTotal: descendants.length,
        childCount: children.length,
        descendantCount: descendants.length,
        childNames: [...children].sort(),
        descendantNames: [...descendants].sort(),
      };
    }

    it('lists children and descendants, each parent first, siblings oldest first', async () => {
      expect(await subtree('root')).toEqual(expected(['a', 'b'], ['a', 'a1', 'b', 'b1']));
      expect(await subtree('a')).toEqual(expected(['a1'], ['a1']));
      expect(await subtree('b1')).toEqual(expected([], []));
    });

    it.each<[string, SnapshotFilter, string[], string[]]>([
      ['leaves', { leaves: true }, [], ['a1', 'b1']],
      ['no leaves', { leaves: false }, ['a', 'b'], ['a', 'b']],
      ['metadata', { hasMetadata: true }, ['a', 'b'], ['a', 'a1', 'b', 'b1']],
      ['no metadata', { hasMetadata: false }, [], []],
      ['inactive', { kinds: ['INACTIVE'] }, ['a'], ['a']],
      ['active', { kinds: ['ACTIVE'] }, ['b'], ['b', 'b1']],
      ['disk-only', { kinds: ['DISK_ONLY'] }, [], ['a1']],
      ['inactive or disk-only', { kinds: ['INACTIVE', 'DISK_ONLY'] }, ['a'], ['a', 'a1']],
      [
        'every kind',
        { kinds: ['ACTIVE', 'INACTIVE', 'DISK_ONLY'] },
        ['a', 'b'],
        ['a', 'a1', 'b', 'b1'],
      ],
      ['internal', { location: 'INTERNAL' }, ['a'], ['a', 'b1']],
      ['external', { location: 'EXTERNAL' }, ['b'], ['a1', 'b']],
      ['external leaves', { leaves: true, location: 'EXTERNAL' }, [], ['a1']],
      ['active leaves', { leaves: true, kinds: ['ACTIVE'] }, [], ['b1']],
      ['internal non-leaves', { leaves: false, location: 'INTERNAL' }, ['a'], ['a']],
      ['an empty filter', {}, ['a', 'b'], ['a', 'a1', 'b', 'b1']],
    ])('filters by %s', async (_what, filter, children, descendants) => {
      expect(await subtree('root', filter)).toEqual(expected(children, descendants));
    });

    it.each([true, false])('refuses roots: %s with BAD_USER_INPUT', async (roots) => {
      const variables = { domain: 'vm', name: 'root', filter: { roots } };

      expect(await server.errorCode(SnapshotsChildrenDocument, variables)).toBe('BAD_USER_INPUT');
      expect(await server.errorCode(SnapshotsDescendantsDocument, variables)).toBe(
        'BAD_USER_INPUT',
      );
      for (const descendants of [false, true]) {
        expect(
          await server.errorCode(SnapshotsChildCountDocument, { ...variables, descendants }),
        ).toBe('BAD_USER_INPUT');
        expect(
          await server.errorCode(SnapshotsChildNamesDocument, { ...variables, descendants }),
        ).toBe('BAD_USER_INPUT');
      }
    });

    it('takes roots: null as no filter on children', async () => {
      const { domain } = await server.data(SnapshotsChildrenDocument, {
        domain: 'vm',
        name: 'root',
        filter: { roots: null },
      });

      expect(domain?.snapshot?.children.totalCount).toBe(2);
    });
  });
});
