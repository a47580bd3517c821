import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import { branchingTree, ExpectedTree } from '../../support/snapshot-trees.ts';
import { type TestDriverFixture, testDriverFixture } from '../../support/test-driver.ts';
import {
  CostAncestorsDocument,
  CostChildCountDocument,
  CostChildrenDocument,
  CostDashboardDocument,
  CostDescendantsDocument,
} from './cost.generated.ts';

const COUNT = 500;
const snapshots = branchingTree(COUNT, 4);
const tree = new ExpectedTree(snapshots);

// The calls that walk the tree one snapshot at a time: a query that reads the tree once has
// no use for any of them.
const PER_SNAPSHOT_WALKS = [
  'virDomainSnapshotGetParent',
  'virDomainSnapshotListAllChildren',
  'virDomainSnapshotNumChildren',
  'virDomainSnapshotIsCurrent',
  'virDomainSnapshotListChildrenNames',
];

// What reading one snapshot of the listing costs: its name and its handle's release are
// local to libvirt's client (no round trip to the driver), one each per listed snapshot.
const PER_LISTED_SNAPSHOT = ['virDomainSnapshotGetName', 'virDomainSnapshotFree'];

// The per-domain calls a query may make besides the listing (look the domain up, read its
// name, UUID, state and persistence, the current snapshot): a few of each, and few in all.
const PER_DOMAIN_LIMIT = 2;
const PER_DOMAIN_TOTAL = 10;

/** How many times each libvirt function was called while `run` ran. */
async function callsDuring(server: TestServer, run: () => Promise<unknown>) {
  const before = await server.hosts.libvirtCallCounts();
  await run();
  const after = await server.hosts.libvirtCallCounts();

  return Object.fromEntries(
    Object.entries(after)
      .map(([name, count]) => [name, count - (before[name] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

/**
 * The bounds the contract's cost rule sets for a query that reads one domain's tree: the
 * server answers from the tree its watcher keeps, read once at start with one listing and one
 * XML per snapshot, so a query lists nothing and reads no XML; it only counts the snapshots
 * and reads the current one's name, a few per-domain calls.
 */
function expectKeptTree(calls: Record<string, number>): void {
  expect(calls.virDomainListAllSnapshots ?? 0).toBe(0);
  expect(calls.virDomainSnapshotGetXMLDesc ?? 0).toBe(0);
  expect(calls.virDomainSnapshotNum).toBe(1);
  for (const name of PER_SNAPSHOT_WALKS) {
    expect(calls[name] ?? 0, name).toBe(0);
  }

  for (const name of PER_LISTED_SNAPSHOT) {
    expect(calls[name] ?? 0, name).toBeLessThanOrEqual(COUNT + PER_DOMAIN_LIMIT);
  }

  const others = Object.entries(calls).filter(
    ([name]) =>
      name !== 'virDomainListAllSnapshots' &&
      name !== 'virDomainSnapshotGetXMLDesc' &&
      !PER_LISTED_SNAPSHOT.includes(name),
  );
  for (const [name, count] of others) {
    expect(count, name).toBeLessThanOrEqual(PER_DOMAIN_LIMIT);
  }

  expect(others.reduce((sum, [, count]) => sum + count, 0)).toBeLessThanOrEqual(PER_DOMAIN_TOTAL);
}

describe('what a query of a whole tree costs in libvirt calls', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots }]);
    // The watcher looks at libvirt on its own timer; kept out of the calls counted here.
    server = await startTestServer({ uris: [fixture.uri], watchIntervalMs: 3_600_000 });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  async function cost<R>(document: TypedDocumentNode<R, { domain: string }>) {
    let data: R | undefined;
    const calls = await callsDuring(server, async () => {
      data = await server.data(document, { domain: 'vm' });
    });

    return { calls, data: data as R };
  }

  it('has a tree of 500 with several roots and branches', () => {
    expect(tree.topological()).toHaveLength(COUNT);
    expect(tree.children(null).length).toBeGreaterThan(1);
    expect(
      snapshots.filter((snapshot) => tree.children(snapshot.name).length > 1).length,
    ).toBeGreaterThan(50);
    expect(snapshots.filter((snapshot) => tree.isLeaf(snapshot.name)).length).toBeGreaterThan(50);
  });

  it('reads the dashboard from the tree the watcher keeps: no listing, no XML', async () => {
    const { calls, data } = await cost(CostDashboardDocument);
    const nodes = data.domain?.snapshots.nodes ?? [];
    const ids = new Map(nodes.map((node) => [node.name, node.id]));

    expect(nodes.map((node) => node.name)).toEqual(tree.topological());
    expect(nodes.map((node) => node.parent?.id ?? null)).toEqual(
      nodes.map((node) => {
        const parent = tree.get(node.name).parent;

        return parent === undefined ? null : ids.get(parent);
      }),
    );
    expect(nodes.filter((node) => node.isCurrent).map((node) => node.name)).toEqual([
      snapshots.at(-1)?.name,
    ]);
    expectKeptTree(calls);
  });

  it('reads the children of every snapshot from the same kept tree', async () => {
    const { calls, data } = await cost(CostChildrenDocument);
    const nodes = data.domain?.snapshots.nodes ?? [];

    expect(nodes.map((node) => node.children.nodes.map((child) => child.name))).toEqual(
      tree.topological().map((name) => tree.children(name)),
    );
    expect(nodes.map((node) => node.children.totalCount)).toEqual(
      tree.topological().map((name) => tree.children(name).length),
    );
    expectKeptTree(calls);
  });

  it('reads the descendants of every snapshot from the same kept tree', async () => {
    const { calls, data } = await cost(CostDescendantsDocument);
    const nodes = data.domain?.snapshots.nodes ?? [];

    expect(nodes.map((node) => node.descendants.nodes.map((below) => below.name))).toEqual(
      tree.topological().map((name) => tree.topological(name)),
    );
    expectKeptTree(calls);
  });

  it('reads the ancestors of every snapshot from the same kept tree', async () => {
    const { calls, data } = await cost(CostAncestorsDocument);
    const nodes = data.domain?.snapshots.nodes ?? [];

    expect(nodes.map((node) => node.ancestors.map((above) => above.name))).toEqual(
      tree.topological().map((name) => tree.ancestors(name)),
    );
    expectKeptTree(calls);
  });

  it('counts the children of every snapshot from the same kept tree', async () => {
    const { calls, data } = await cost(CostChildCountDocument);
    const nodes = data.domain?.snapshots.nodes ?? [];

    expect(nodes.map((node) => [node.childCount, node.descendantCount])).toEqual(
      tree.topological().map((name) => [tree.children(name).length, tree.topological(name).length]),
    );
    expectKeptTree(calls);
  });
});
