import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotOrder } from '../../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import { branchingTree, ExpectedTree } from '../../support/snapshot-trees.ts';
import { type TestDriverFixture, testDriverFixture } from '../../support/test-driver.ts';
import {
  ConnectionsChildrenDocument,
  ConnectionsDescendantsDocument,
  type ConnectionsPageFragment,
  ConnectionsSnapshotsDocument,
  type ConnectionsSnapshotsQueryVariables,
} from './connections.generated.ts';

const ORDERS: SnapshotOrder[] = ['TOPOLOGICAL', 'NAME', 'CREATION_TIME'];
const snapshots = branchingTree(50);
const tree = new ExpectedTree(snapshots);
const every = tree.topological();

type PageVariables = Omit<ConnectionsSnapshotsQueryVariables, 'domain'>;

function names(page: ConnectionsPageFragment): string[] {
  return page.nodes.map((node) => node.name);
}

describe('SnapshotConnection', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots }]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  async function page(variables: PageVariables): Promise<ConnectionsPageFragment> {
    const { domain } = await server.data(ConnectionsSnapshotsDocument, {
      domain: 'vm',
      ...variables,
    });
    if (domain === null) {
      throw new Error('the domain vm is gone');
    }

    return domain.snapshots;
  }

  it('has edges, nodes, pageInfo and totalCount', async () => {
    const whole = await page({});

    expect(whole.totalCount).toBe(50);
    expect(names(whole)).toEqual(every);
    expect(whole.edges.map((edge) => edge.node)).toEqual(whole.nodes);
    expect(new Set(whole.edges.map((edge) => edge.cursor)).size).toBe(50);
    expect(whole.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: whole.edges[0]?.cursor,
      endCursor: whole.edges[49]?.cursor,
    });
  });

  it('gives a snapshot the same cursor on every page and in every order', async () => {
    const whole = await page({});
    const cursors = new Map(whole.edges.map((edge) => [edge.node.name, edge.cursor]));
    const byName = await page({ order: 'NAME', first: 10, after: whole.edges[5]?.cursor });

    for (const edge of byName.edges) {
      expect(edge.cursor).toBe(cursors.get(edge.node.name));
    }
  });

  it('answers an empty page with null cursors', async () => {
    const empty = await page({ first: 0 });

    expect(empty).toEqual({
      totalCount: 50,
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it.each(ORDERS)('pages forwards by 7 through every snapshot once, in %s order', async (order) => {
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    for (;;) {
      const current = await page({ order, first: 7, after });
      pages++;
      seen.push(...names(current));
      expect(current.totalCount).toBe(50);
      expect(current.pageInfo.hasPreviousPage).toBe(after !== undefined);
      expect(current.pageInfo.startCursor).toBe(current.edges[0]?.cursor);
      expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)?.cursor);
      if (!current.pageInfo.hasNextPage) {
        break;
      }

      expect(current.nodes).toHaveLength(7);
      after = current.pageInfo.endCursor;
    }

    expect(pages).toBe(8);
    expect(seen).toEqual(tree.sorted(every, order));
  });

  it.each(ORDERS)(
    'pages backwards by 7 through every snapshot once, in %s order',
    async (order) => {
      const seen: string[] = [];
      let before: string | null | undefined;
      let pages = 0;
      for (;;) {
        const current = await page({ order, last: 7, before });
        pages++;
        seen.unshift(...names(current));
        expect(current.pageInfo.hasNextPage).toBe(before !== undefined);
        if (!current.pageInfo.hasPreviousPage) {
          break;
        }

        expect(current.nodes).toHaveLength(7);
        before = current.pageInfo.startCursor;
      }

      expect(pages).toBe(8);
      expect(seen).toEqual(tree.sorted(every, order));
    },
  );

  it('takes the snapshots between after and before', async () => {
    const whole = await page({ order: 'NAME' });
    const all = names(whole);
    const after = whole.edges[10]?.cursor;
    const before = whole.edges[20]?.cursor;

    expect(names(await page({ order: 'NAME', after, before }))).toEqual(all.slice(11, 20));
    expect(names(await page({ order: 'NAME', after, before, first: 3 }))).toEqual(
      all.slice(11, 14),
    );
    expect(names(await page({ order: 'NAME', after, before, last: 3 }))).toEqual(all.slice(17, 20));
    expect(names(await page({ order: 'NAME', after: before, before: after }))).toEqual([]);
  });

  it('takes the last snapshots without a cursor', async () => {
    const last = await page({ last: 5 });

    expect(names(last)).toEqual(every.slice(45));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('pages through a filtered list with cursors of that list', async () => {
    const leaves = every.filter((name) => tree.isLeaf(name));
    const first = await page({ filter: { leaves: true }, first: 4 });
    const second = await page({
      filter: { leaves: true },
      first: 4,
      after: first.pageInfo.endCursor,
    });

    expect(first.totalCount).toBe(leaves.length);
    expect([...names(first), ...names(second)]).toEqual(leaves.slice(0, 8));
  });

  it('pages forwards and backwards through the descendants of a snapshot', async () => {
    const [root = ''] = tree.children(null);
    const below = tree.topological(root);
    const forwards: string[] = [];
    let after: string | null | undefined;
    for (let more = true; more; ) {
      const { domain } = await server.data(ConnectionsDescendantsDocument, {
        domain: 'vm',
        name: root,
        first: 7,
        after,
      });
      const descendants = domain?.snapshot?.descendants;
      forwards.push(...(descendants?.nodes.map((node) => node.name) ?? []));
      more = descendants?.pageInfo.hasNextPage ?? false;
      after = descendants?.pageInfo.endCursor;
    }

    const backwards: string[] = [];
    let before: string | null | undefined;
    for (let more = true; more; ) {
      const { domain } = await server.data(ConnectionsDescendantsDocument, {
        domain: 'vm',
        name: root,
        order: 'NAME',
        last: 7,
        before,
      });
      const descendants = domain?.snapshot?.descendants;
      backwards.unshift(...(descendants?.nodes.map((node) => node.name) ?? []));
      more = descendants?.pageInfo.hasPreviousPage ?? false;
      before = descendants?.pageInfo.startCursor;
    }

    expect(below.length).toBeGreaterThan(7);
    expect(forwards).toEqual(below);
    expect(backwards).toEqual(tree.sorted(below, 'NAME'));
  });

  it('pages through the children of a snapshot', async () => {
    const parent = every.find((name) => tree.children(name).length >= 2) ?? '';
    const children = tree.children(parent);
    const { domain } = await server.data(ConnectionsChildrenDocument, {
      domain: 'vm',
      name: parent,
      first: 1,
    });
    const first = domain?.snapshot?.children;
    const next = await server.data(ConnectionsChildrenDocument, {
      domain: 'vm',
      name: parent,
      first: 1,
      after: first?.pageInfo.endCursor,
    });

    expect(first?.totalCount).toBe(children.length);
    expect(first?.nodes.map((node) => node.name)).toEqual(children.slice(0, 1));
    expect(next.domain?.snapshot?.children.nodes.map((node) => node.name)).toEqual(
      children.slice(1, 2),
    );
  });

  it.each<[string, PageVariables]>([
    ['a negative first', { first: -1 }],
    ['a negative last', { last: -3 }],
    ['a cursor that is no cursor', { after: 'not-a-cursor' }],
    ['an empty after', { after: '' }],
    ['an empty before', { before: '' }],
    ['a cursor of base64 garbage', { before: Buffer.from('nothing:here').toString('base64url') }],
  ])('refuses %s with BAD_USER_INPUT', async (_what, variables) => {
    expect(
      await server.errorCode(ConnectionsSnapshotsDocument, { domain: 'vm', ...variables }),
    ).toBe('BAD_USER_INPUT');
  });

  it('refuses the cursor of a snapshot that is not in the list with BAD_USER_INPUT', async () => {
    const whole = await page({});
    const root = whole.edges.find((edge) => tree.get(edge.node.name).parent === undefined);

    expect(
      await server.errorCode(ConnectionsSnapshotsDocument, {
        domain: 'vm',
        filter: { leaves: true },
        after: root?.cursor,
      }),
    ).toBe('BAD_USER_INPUT');
  });
});

describe('the cap on page size', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm', snapshots }]);
    server = await startTestServer({ uris: [fixture.uri], pageSizeCap: 10 });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  async function page(variables: PageVariables) {
    const { domain } = await server.data(ConnectionsSnapshotsDocument, {
      domain: 'vm',
      ...variables,
    });

    return domain?.snapshots;
  }

  it('returns at most the cap with neither first nor last, and says more remain', async () => {
    const capped = await page({});

    expect(capped?.nodes.map((node) => node.name)).toEqual(every.slice(0, 10));
    expect(capped?.totalCount).toBe(50);
    expect(capped?.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('pages on from the end of a capped page', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let more = true; more; ) {
      const current = await page({ after });
      seen.push(...(current?.nodes.map((node) => node.name) ?? []));
      more = current?.pageInfo.hasNextPage ?? false;
      after = current?.pageInfo.endCursor;
    }

    expect(seen).toEqual(every);
  });

  it('takes first and last up to the cap', async () => {
    expect((await page({ first: 10 }))?.nodes).toHaveLength(10);
    expect((await page({ last: 10 }))?.nodes.map((node) => node.name)).toEqual(every.slice(40));
  });

  it.each<[string, PageVariables]>([
    ['first', { first: 11 }],
    ['last', { last: 11 }],
    ['first with a cursor', { first: 5000, after: null }],
  ])('refuses %s over the cap with BAD_USER_INPUT', async (_what, variables) => {
    expect(
      await server.errorCode(ConnectionsSnapshotsDocument, { domain: 'vm', ...variables }),
    ).toBe('BAD_USER_INPUT');
  });

  it('applies the cap to children and descendants too', async () => {
    const [root = ''] = tree.children(null);
    const { domain } = await server.data(ConnectionsDescendantsDocument, {
      domain: 'vm',
      name: root,
    });

    expect(domain?.snapshot?.descendants.nodes.map((node) => node.name)).toEqual(
      tree.topological(root).slice(0, 10),
    );
    expect(domain?.snapshot?.descendants.pageInfo.hasNextPage).toBe(
      tree.topological(root).length > 10,
    );
    expect(
      await server.errorCode(ConnectionsDescendantsDocument, {
        domain: 'vm',
        name: root,
        first: 11,
      }),
    ).toBe('BAD_USER_INPUT');
  });
});
