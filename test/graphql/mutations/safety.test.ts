import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Domain, Libvirt } from '../../../src/ffi/index.ts';
import { SnapshotTree } from '../../../src/hosts/snapshot-tree.ts';
import { parseSnapshotXml } from '../../../src/hosts/snapshot-xml.ts';
import { treeChanges, treeVersion } from '../../../src/hosts/tree-version.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import {
  SafetyCreateDocument,
  SafetyDeleteDocument,
  SafetyRedefineDocument,
  SafetyRevertDocument,
  SafetyTreeDocument,
} from './safety.generated.ts';

/**
 * Safety (API.md) on the test driver: the tree version, `expectedTreeVersion` on every
 * mutation, and dry runs checked against the real call that follows them.
 */

// test:///default is one driver per process: a second connection of the test's own plays
// virsh, changing the same domain behind the server's back.
const URI = 'test:///default';
const DOMAIN = 'test';

let server: TestServer;
let libvirt: Libvirt;
let outside: Domain;

interface Tree {
  id: string;
  state: string;
  version: string;
  current: string | null;
  /** Every snapshot by name: its ID, parent, description and XML. */
  snapshots: Record<string, { id: string; parent: string | null; description: unknown }>;
  xml: Record<string, string>;
}

async function tree(): Promise<Tree> {
  const domain = (await server.data(SafetyTreeDocument, { domain: DOMAIN })).domain;
  if (domain === null || domain === undefined) {
    throw new Error('the test domain is missing');
  }

  const nodes = domain.snapshots.nodes;

  return {
    id: domain.id,
    state: domain.state,
    version: domain.snapshotTreeVersion,
    current: domain.currentSnapshot?.name ?? null,
    snapshots: Object.fromEntries(
      nodes.map((node) => [
        node.name,
        { id: node.id, parent: node.parent?.name ?? null, description: node.description },
      ]),
    ),
    xml: Object.fromEntries(nodes.map((node) => [node.name, node.xml])),
  };
}

async function create(name: string, expectedTreeVersion?: string) {
  return server.request(SafetyCreateDocument, {
    input: { domainId: (await tree()).id, name, expectedTreeVersion },
  });
}

async function idOf(name: string): Promise<string> {
  const id = (await tree()).snapshots[name]?.id;
  if (id === undefined) {
    throw new Error(`no snapshot ${name}`);
  }

  return id;
}

beforeAll(async () => {
  server = await startTestServer({ uris: [URI], watchIntervalMs: 60_000 });
  libvirt = await Libvirt.start({ callThreads: 1 });
  outside = await (await libvirt.open(URI)).lookupDomainByName(DOMAIN);
});

afterAll(async () => {
  await outside.free();
  await libvirt.close();
  await server.stop();
});

beforeEach(async () => {
  for (const snapshot of await outside.listAllSnapshots()) {
    await snapshot.delete(0).catch(() => undefined);
    await snapshot.free();
  }

  // base{a{b}, c}, c current, the domain running (an earlier test may have paused it).
  expect((await create('base')).errors).toBeUndefined();
  const running = { snapshotId: await idOf('base'), targetState: 'RUNNING' as const };
  await server.data(SafetyRevertDocument, { input: running });
  for (const name of ['a', 'b']) {
    expect((await create(name)).errors).toBeUndefined();
  }
  await server.data(SafetyRevertDocument, { input: running });
  expect((await create('c')).errors).toBeUndefined();
});

describe('the tree version', () => {
  it('is the same for the same tree, in any order, in any server', async () => {
    const first = await tree();
    expect((await tree()).version).toBe(first.version);
    expect(first.version).toMatch(/^v1-[A-Za-z0-9_-]{32}$/);

    const documents = Object.values(first.xml).map(parseSnapshotXml);
    const forwards = new SnapshotTree(documents, first.current);
    const backwards = new SnapshotTree([...documents].reverse(), first.current);
    expect(treeVersion(forwards)).toBe(first.version);
    expect(treeVersion(backwards)).toBe(first.version);

    // A server started afresh reads the same tree and gives it the same version.
    const second = await startTestServer({ uris: [URI], watchIntervalMs: 60_000 });
    try {
      const again = await second.data(SafetyTreeDocument, { domain: DOMAIN });
      expect(again.domain?.snapshotTreeVersion).toBe(first.version);
    } finally {
      await second.stop();
    }
  });

  it('changes on every create, delete, revert, redefinition and re-parenting', async () => {
    const seen = new Set([(await tree()).version]);
    const changed = async (what: string) => {
      const version = (await tree()).version;
      expect(seen.has(version), `${what} left the version as it was`).toBe(false);
      seen.add(version);
    };

    expect((await create('d')).errors).toBeUndefined();
    await changed('a create');

    await server.data(SafetyRevertDocument, { input: { snapshotId: await idOf('a') } });
    await changed('a revert');

    const xml = (await tree()).xml.c ?? '';
    await server.data(SafetyRedefineDocument, {
      input: {
        domainId: (await tree()).id,
        xml: xml.replace('</name>', '</name><description>now described</description>'),
      },
    });
    expect((await tree()).snapshots.c?.description).toBe('now described');
    await changed('a redefinition');

    // Deleting a re-parents b to base.
    await server.data(SafetyDeleteDocument, { input: { snapshotId: await idOf('a') } });
    expect((await tree()).snapshots.b?.parent).toBe('base');
    await changed('a delete that re-parents');

    // A change made elsewhere changes it too, read on the next query.
    const x = await outside.snapshotCreateXML('<domainsnapshot><name>x</name></domainsnapshot>');
    await x.free();
    await changed('a create made elsewhere');
  });

  it('names what changed between two trees', () => {
    const document = (name: string, parent: string | null, description: string | null = null) =>
      parseSnapshotXml(
        `<domainsnapshot><name>${name}</name>${parent === null ? '' : `<parent><name>${parent}</name></parent>`}` +
          `${description === null ? '' : `<description>${description}</description>`}</domainsnapshot>`,
      );
    const before = new SnapshotTree(
      [document('r', null), document('a', 'r'), document('b', 'a')],
      'b',
    );
    const after = new SnapshotTree(
      [document('r', null, 'new words'), document('b', 'r'), document('n', 'b')],
      'n',
    );

    expect(treeChanges(before, after)).toEqual([
      { change: 'REDEFINED', snapshotName: 'r' },
      { change: 'REPARENTED', snapshotName: 'b' },
      { change: 'CREATED', snapshotName: 'n' },
      { change: 'DELETED', snapshotName: 'a' },
      { change: 'CURRENT', snapshotName: 'n' },
    ]);
  });
});

describe('expectedTreeVersion', () => {
  it('lets each mutation through at the current version', async () => {
    const { version, id } = await tree();
    const made = await create('d', version);
    expect(made.errors).toBeUndefined();

    const next = (await tree()).version;
    expect(made.data?.createSnapshot.domain.snapshotTreeVersion).toBe(next);
    const reverted = await server.request(SafetyRevertDocument, {
      input: { snapshotId: await idOf('a'), expectedTreeVersion: next },
    });
    expect(reverted.errors).toBeUndefined();

    const deleted = await server.request(SafetyDeleteDocument, {
      input: { snapshotId: await idOf('d'), expectedTreeVersion: (await tree()).version },
    });
    expect(deleted.errors).toBeUndefined();

    const xml = (await tree()).xml.b ?? '';
    const redefined = await server.request(SafetyRedefineDocument, {
      input: { domainId: id, xml, expectedTreeVersion: (await tree()).version },
    });
    expect(redefined.errors).toBeUndefined();
  });

  it('refuses every mutation after a change made elsewhere, naming it, and changes nothing', async () => {
    const { version, id } = await tree();
    const x = await outside.snapshotCreateXML('<domainsnapshot><name>x</name></domainsnapshot>');
    await x.free();
    const before = await tree();

    const refused = [
      await create('late', version),
      await server.request(SafetyRevertDocument, {
        input: { snapshotId: await idOf('a'), expectedTreeVersion: version },
      }),
      await server.request(SafetyDeleteDocument, {
        input: { snapshotId: await idOf('a'), expectedTreeVersion: version },
      }),
      await server.request(SafetyRedefineDocument, {
        input: { domainId: id, xml: before.xml.b ?? '', expectedTreeVersion: version },
      }),
    ];

    for (const response of refused) {
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'TREE_CHANGED',
        currentTreeVersion: before.version,
        changes: [
          { change: 'CREATED', snapshotName: 'x' },
          { change: 'CURRENT', snapshotName: 'x' },
        ],
      });
      expect(response.errors?.[0]?.message).toMatch(/"x" created; "x" is current now/);
    }
    expect(await tree()).toEqual(before);
  });

  it('refuses a version the server has never seen, and says the current one', async () => {
    const before = await tree();
    const response = await create('late', 'v1-not-a-version-of-this-tree');

    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'TREE_CHANGED',
      currentTreeVersion: before.version,
    });
    expect(response.errors?.[0]?.message).toMatch(/does not know version/);
    expect(await tree()).toEqual(before);
  });
});

describe('dry runs', () => {
  it.each([
    ['SNAPSHOT', 'a', ['a'], ['b']],
    ['SNAPSHOT_AND_DESCENDANTS', 'a', ['a', 'b'], []],
    ['DESCENDANTS_ONLY', 'base', ['a', 'b', 'c'], []],
  ] as const)(
    'tell what a delete with %s would do, as the delete then does',
    async (scope, name, deleted, reparented) => {
      const before = await tree();
      const input = { snapshotId: await idOf(name), scope };
      const plan = await server.data(SafetyDeleteDocument, { input: { ...input, dryRun: true } });

      expect(await tree()).toEqual(before);
      expect(plan.deleteSnapshot).toMatchObject({ dryRun: true, deletedSnapshotNames: deleted });
      expect(plan.deleteSnapshot.reparentedSnapshotIds).toEqual(
        reparented.map((child) => before.snapshots[child]?.id),
      );

      const done = await server.data(SafetyDeleteDocument, { input });
      expect(done.deleteSnapshot).toEqual({ ...plan.deleteSnapshot, dryRun: false });
    },
  );

  it.each([
    ['as taken', 'a', undefined],
    ['running', 'a', 'RUNNING'],
    ['paused', 'c', 'PAUSED'],
  ] as const)(
    'tell the state a revert (%s) leaves, as the revert then does',
    async (_how, name, targetState) => {
      const before = await tree();
      const input = { snapshotId: await idOf(name), targetState };
      const plan = await server.data(SafetyRevertDocument, { input: { ...input, dryRun: true } });

      expect(await tree()).toEqual(before);
      expect(plan.revertToSnapshot.dryRun).toBe(true);
      expect(plan.revertToSnapshot.domain.state).toBe(before.state);

      const done = await server.data(SafetyRevertDocument, { input });
      expect(done.revertToSnapshot.dryRun).toBe(false);
      expect(plan.revertToSnapshot.resultingState).toBe(done.revertToSnapshot.domain.state);
      expect(done.revertToSnapshot.resultingState).toBe(done.revertToSnapshot.domain.state);
    },
  );

  it('agree with the test driver, which reverts a running domain into other hardware', async () => {
    // A running snapshot with twice the domain's memory: QEMU would need force (see the QEMU
    // tests); the test driver takes the snapshot's definition as it is, and so does the plan.
    const taken = (await tree()).xml.a ?? '';
    const odd = taken
      .replace('<name>a</name>', '<name>odd</name>')
      .replace(/<memory unit='KiB'>(\d+)<\/memory>/, (_all, kib) => {
        return `<memory unit='KiB'>${Number(kib) * 2}</memory>`;
      });
    expect(odd).not.toBe(taken);
    await server.data(SafetyRedefineDocument, { input: { domainId: (await tree()).id, xml: odd } });
    expect((await tree()).state).toBe('RUNNING');
    const input = { snapshotId: await idOf('odd') };

    const planned = await server.data(SafetyRevertDocument, { input: { ...input, dryRun: true } });
    const done = await server.data(SafetyRevertDocument, { input });
    expect(planned.revertToSnapshot.resultingState).toBe('RUNNING');
    expect(done.revertToSnapshot.domain.state).toBe('RUNNING');
  });

  it('fail as the real call would: a gone snapshot, a stale version', async () => {
    const before = await tree();
    const gone = await idOf('b');
    await outside.snapshotLookupByName('b').then(async (b) => {
      await b.delete(0);
      await b.free();
    });
    const after = await tree();

    const missing = await server.request(SafetyDeleteDocument, {
      input: { snapshotId: gone, dryRun: true },
    });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', dryRun: true });

    const stale = await server.request(SafetyRevertDocument, {
      input: { snapshotId: await idOf('a'), dryRun: true, expectedTreeVersion: before.version },
    });
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'TREE_CHANGED',
      dryRun: true,
      changes: [{ change: 'DELETED', snapshotName: 'b' }],
    });
    expect(await tree()).toEqual(after);
  });
});
