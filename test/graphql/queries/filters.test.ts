import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  SnapshotFilter,
  SnapshotKind,
  SnapshotLocation,
  SnapshotOrder,
} from '../../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import { branchingTree, ExpectedTree } from '../../support/snapshot-trees.ts';
import {
  type FixtureSnapshot,
  type TestDriverFixture,
  testDriverFixture,
} from '../../support/test-driver.ts';
import { FiltersDomainDocument, FiltersOrderedSubtreeDocument } from './filters.generated.ts';

const T = 1_700_000_000;
const EXTERNAL_DISK = [{ name: 'vda', snapshot: 'external', sourceFile: '/images/overlay.qcow2' }];

/** A fixture snapshot with the kind and location the tests expect libvirt to give it. */
type Described = FixtureSnapshot & { kind: SnapshotKind; location: SnapshotLocation };

// Three roots, leaves at several depths, every kind, internal and external. The test driver
// keeps metadata for every snapshot, and reads the kind from the state alone: shutoff is
// INACTIVE, disk-snapshot is DISK_ONLY, anything else ACTIVE.
const described: Described[] = [
  { name: 'r1', state: 'running', creationTime: T, kind: 'ACTIVE', location: 'INTERNAL' },
  {
    name: 'r1a',
    parent: 'r1',
    state: 'shutoff',
    creationTime: T + 5,
    kind: 'INACTIVE',
    location: 'INTERNAL',
  },
  {
    name: 'r1a1',
    parent: 'r1a',
    state: 'disk-snapshot',
    creationTime: T + 9,
    disks: EXTERNAL_DISK,
    kind: 'DISK_ONLY',
    location: 'EXTERNAL',
  },
  {
    name: 'r1a2',
    parent: 'r1a',
    state: 'shutoff',
    creationTime: T + 9,
    disks: EXTERNAL_DISK,
    kind: 'INACTIVE',
    location: 'EXTERNAL',
  },
  {
    name: 'r1b',
    parent: 'r1',
    state: 'running',
    creationTime: T + 5,
    memory: { snapshot: 'external', file: '/images/r1b.mem' },
    kind: 'ACTIVE',
    location: 'EXTERNAL',
  },
  {
    name: 'r2',
    state: 'shutoff',
    creationTime: T + 1,
    disks: EXTERNAL_DISK,
    kind: 'INACTIVE',
    location: 'EXTERNAL',
  },
  {
    name: 'r2a',
    parent: 'r2',
    state: 'paused',
    creationTime: T + 2,
    kind: 'ACTIVE',
    location: 'INTERNAL',
  },
  {
    name: 'r2a1',
    parent: 'r2a',
    state: 'crashed',
    creationTime: T + 3,
    current: true,
    kind: 'ACTIVE',
    location: 'INTERNAL',
  },
  {
    name: 'r3',
    state: 'disk-snapshot',
    creationTime: T + 1,
    kind: 'DISK_ONLY',
    location: 'INTERNAL',
  },
];

const tree = new ExpectedTree(described);

/** The names `filter` selects, in topological order, by the contract's reading of each field. */
function selected(filter: SnapshotFilter): string[] {
  const chosen = described.filter((snapshot) => {
    const checks = [
      filter.roots === undefined || filter.roots === (snapshot.parent === undefined),
      filter.leaves === undefined || filter.leaves === tree.isLeaf(snapshot.name),
      // Every snapshot of the test driver has metadata.
      filter.hasMetadata === undefined || filter.hasMetadata,
      (filter.kinds ?? []).length === 0 || (filter.kinds ?? []).includes(snapshot.kind),
      filter.location === undefined || filter.location === snapshot.location,
    ];

    return checks.every(Boolean);
  });

  return tree.sorted(
    chosen.map((snapshot) => snapshot.name),
    'TOPOLOGICAL',
  );
}

const BOOLEANS = [undefined, true, false] as const;
const KIND_SETS: Array<SnapshotKind[] | undefined> = [
  undefined,
  [],
  ['ACTIVE'],
  ['INACTIVE'],
  ['DISK_ONLY'],
  ['ACTIVE', 'INACTIVE'],
  ['INACTIVE', 'DISK_ONLY'],
  ['DISK_ONLY', 'ACTIVE'],
  ['ACTIVE', 'INACTIVE', 'DISK_ONLY'],
];
const LOCATIONS = [undefined, 'INTERNAL', 'EXTERNAL'] as const;

/** A filter with only the fields that are set: an absent field is no filter. */
function filterOf(fields: SnapshotFilter): SnapshotFilter {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

describe('SnapshotFilter', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots: described }]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  async function filtered(filter: SnapshotFilter | undefined) {
    const { domain } = await server.data(FiltersDomainDocument, { domain: 'vm', filter });

    return {
      snapshots: domain?.snapshots.nodes.map((node) => node.name),
      totalCount: domain?.snapshots.totalCount,
      snapshotCount: domain?.snapshotCount,
      // libvirt's order; the contract names none.
      snapshotNames: [...(domain?.snapshotNames ?? [])].sort(),
    };
  }

  function expected(names: string[]) {
    return {
      snapshots: names,
      totalCount: names.length,
      snapshotCount: names.length,
      snapshotNames: [...names].sort(),
    };
  }

  it('selects every snapshot without a filter, with an empty one, or with nulls', async () => {
    const every = tree.topological();

    expect(await filtered(undefined)).toEqual(expected(every));
    expect(await filtered({})).toEqual(expected(every));
    expect(
      await filtered({ roots: null, leaves: null, hasMetadata: null, kinds: null, location: null }),
    ).toEqual(expected(every));
  });

  it.each([
    ['roots', { roots: true }, ['r1', 'r2', 'r3']],
    ['snapshots with a parent', { roots: false }, ['r1a', 'r1a1', 'r1a2', 'r1b', 'r2a', 'r2a1']],
    ['leaves', { leaves: true }, ['r1a1', 'r1a2', 'r1b', 'r2a1', 'r3']],
    ['non-leaves', { leaves: false }, ['r1', 'r1a', 'r2', 'r2a']],
    ['snapshots with metadata', { hasMetadata: true }, tree.topological()],
    ['snapshots without metadata', { hasMetadata: false }, []],
    ['INACTIVE', { kinds: ['INACTIVE'] }, ['r1a', 'r1a2', 'r2']],
    ['ACTIVE', { kinds: ['ACTIVE'] }, ['r1', 'r1b', 'r2a', 'r2a1']],
    ['DISK_ONLY', { kinds: ['DISK_ONLY'] }, ['r1a1', 'r3']],
    ['INTERNAL', { location: 'INTERNAL' }, ['r1', 'r1a', 'r2a', 'r2a1', 'r3']],
    ['EXTERNAL', { location: 'EXTERNAL' }, ['r1a1', 'r1a2', 'r1b', 'r2']],
    ['leaf roots', { roots: true, leaves: true }, ['r3']],
    [
      'external leaves with a parent',
      { roots: false, leaves: true, location: 'EXTERNAL' },
      ['r1a1', 'r1a2', 'r1b'],
    ],
  ] as Array<[string, SnapshotFilter, string[]]>)('selects %s', async (_what, filter, names) => {
    expect(selected(filter)).toEqual(names);
    expect(await filtered(filter)).toEqual(expected(names));
  });

  // Every combination of every field: 27 per test, 729 in all.
  describe.each(
    BOOLEANS.flatMap((roots) =>
      BOOLEANS.flatMap((leaves) => BOOLEANS.map((hasMetadata) => ({ roots, leaves, hasMetadata }))),
    ),
  )('with roots $roots, leaves $leaves and hasMetadata $hasMetadata', (fields) => {
    it('selects what each kinds and location select together', async () => {
      for (const kinds of KIND_SETS) {
        for (const location of LOCATIONS) {
          const filter = filterOf({ ...fields, kinds, location });

          expect(await filtered(filter), JSON.stringify(filter)).toEqual(
            expected(selected(filter)),
          );
        }
      }
    });
  });
});

describe('SnapshotOrder', () => {
  // Names whose code-point order differs from UTF-16's ('～' U+FF5E before '😀' U+1F600) and
  // from a locale's ('B' and 'Z' before 'a'), with creation times shared among siblings.
  const ordered: FixtureSnapshot[] = [
    { name: 'b', creationTime: T },
    { name: '😀', parent: 'b', creationTime: T + 1 },
    { name: '～', parent: 'b', creationTime: T + 1 },
    { name: 'a10', parent: 'b', creationTime: T + 1, current: true },
    { name: 'Z', parent: 'b', creationTime: T + 2 },
    { name: 'a', creationTime: T },
    { name: 'B', creationTime: T - 1 },
    { name: 'é', parent: 'B', creationTime: T },
    { name: 'a9', parent: 'B', creationTime: T },
  ];
  const ORDERS: Record<SnapshotOrder, string[]> = {
    NAME: ['B', 'Z', 'a', 'a10', 'a9', 'b', 'é', '～', '😀'],
    CREATION_TIME: ['B', 'a', 'a9', 'b', 'é', 'a10', '～', '😀', 'Z'],
    TOPOLOGICAL: ['B', 'a9', 'é', 'a', 'b', 'a10', '～', '😀', 'Z'],
  };
  const branches = branchingTree(50);
  const expectedBranches = new ExpectedTree(branches);
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([
      { name: 'vm', snapshots: ordered },
      { name: 'branches', snapshots: branches },
    ]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  async function names(domain: string, order?: SnapshotOrder, filter?: SnapshotFilter) {
    const data = await server.data(FiltersDomainDocument, { domain, order, filter });

    return data.domain?.snapshots.nodes.map((node) => node.name);
  }

  it('agrees with the orders the tests expect', () => {
    const expectedTree = new ExpectedTree(ordered);
    const all = ordered.map((snapshot) => snapshot.name);

    for (const [order, expected] of Object.entries(ORDERS)) {
      expect(expectedTree.sorted(all, order as SnapshotOrder)).toEqual(expected);
    }
  });

  it.each(Object.entries(ORDERS))('lists snapshots by %s', async (order, expected) => {
    expect(await names('vm', order as SnapshotOrder)).toEqual(expected);
  });

  it('lists snapshots TOPOLOGICAL by default', async () => {
    expect(await names('vm')).toEqual(ORDERS.TOPOLOGICAL);
  });

  it.each<[SnapshotOrder, string[]]>([
    ['NAME', ['Z', 'a10', '～', '😀']],
    ['CREATION_TIME', ['a10', '～', '😀', 'Z']],
    ['TOPOLOGICAL', ['a10', '～', '😀', 'Z']],
  ])('lists children and descendants by %s', async (order, expected) => {
    const { domain } = await server.data(FiltersOrderedSubtreeDocument, {
      domain: 'vm',
      name: 'b',
      order,
    });

    expect(domain?.snapshot?.children.nodes.map((node) => node.name)).toEqual(expected);
    expect(domain?.snapshot?.descendants.nodes.map((node) => node.name)).toEqual(expected);
  });

  it.each<SnapshotOrder>(['TOPOLOGICAL', 'NAME', 'CREATION_TIME'])(
    'lists a tree of 50 with ties by %s, filtered or not',
    async (order) => {
      const all = expectedBranches.topological();
      const leaves = all.filter((name) => expectedBranches.isLeaf(name));

      expect(await names('branches', order)).toEqual(expectedBranches.sorted(all, order));
      expect(await names('branches', order, { leaves: true })).toEqual(
        expectedBranches.sorted(leaves, order),
      );
    },
  );

  it('lists the descendants of a branch of the tree of 50 in each order', async () => {
    const [root] = expectedBranches.children(null);
    const below = expectedBranches.topological(root ?? null);
    for (const order of ['TOPOLOGICAL', 'NAME', 'CREATION_TIME'] as const) {
      const { domain } = await server.data(FiltersOrderedSubtreeDocument, {
        domain: 'branches',
        name: root ?? '',
        order,
      });

      expect(domain?.snapshot?.descendants.nodes.map((node) => node.name)).toEqual(
        expectedBranches.sorted(below, order),
      );
    }
  });
});
