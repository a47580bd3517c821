import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import { requireOperator } from './access.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { DomainRef } from './domain.ts';
import {
  SnapshotKindEnum,
  SnapshotLocationEnum,
  SnapshotModeEnum,
  SnapshotOrderEnum,
  SnapshotStateEnum,
} from './enums.ts';
import { HostRef } from './host.ts';
import { decodeKey, encodeKey } from './ids.ts';
import { inTurn, paginate } from './pagination.ts';
import { SnapshotFilterInput } from './snapshot-filter.ts';
import { type SnapshotRecord, snapshotRecord } from './snapshot-record.ts';

/** A snapshot of a domain. */
export const SnapshotRef = builder.objectRef<SnapshotRecord>('Snapshot');

/** The one connection type every snapshot list returns. */
export const SnapshotConnectionRef = builder.connectionObject(
  {
    type: SnapshotRef,
    name: 'SnapshotConnection',
    fields: (t) => ({
      totalCount: t.int({
        description: 'How many snapshots the list has, over every page',
        resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount,
      }),
    }),
  },
  { name: 'SnapshotEdge' },
);

const SnapshotMemoryRef = builder
  .objectRef<{ mode: 'NO' | 'INTERNAL' | 'EXTERNAL' | 'MANUAL'; file: string | null }>(
    'SnapshotMemory',
  )
  .implement({
    fields: (t) => ({
      mode: t.field({ type: SnapshotModeEnum, resolve: (memory) => memory.mode }),
      file: t.exposeString('file', { nullable: true }),
    }),
  });

const SnapshotDiskRef = builder
  .objectRef<{
    name: string;
    mode: 'NO' | 'INTERNAL' | 'EXTERNAL' | 'MANUAL';
    driverType: string | null;
    sourceFile: string | null;
  }>('SnapshotDisk')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      mode: t.field({ type: SnapshotModeEnum, resolve: (disk) => disk.mode }),
      driverType: t.exposeString('driverType', { nullable: true }),
      sourceFile: t.exposeString('sourceFile', { nullable: true }),
    }),
  });

function treeOf(snapshot: SnapshotRecord, context: Context): Promise<SnapshotTree> {
  return context.trees.get(snapshot.domain.host, snapshot.domain.uuid);
}

/** `answer` of the snapshot's tree: at once when the record has it, else once it is read. */
function fromTree<T>(
  snapshot: SnapshotRecord,
  context: Context,
  answer: (tree: SnapshotTree) => T,
): T | Promise<T> {
  return snapshot.tree === undefined
    ? treeOf(snapshot, context).then(answer)
    : answer(snapshot.tree);
}

// The snapshot's subtree as a connection: children or all descendants.
function subtree(descendants: boolean) {
  return async (
    snapshot: SnapshotRecord,
    args: {
      filter?: Parameters<SnapshotRecord['domain']['host']['selectedChildNames']>[2];
      order?: 'TOPOLOGICAL' | 'NAME' | 'CREATION_TIME' | null;
      first?: number | null;
      last?: number | null;
      after?: string | null;
      before?: string | null;
    },
    context: Context,
  ) => {
    const { host, uuid } = snapshot.domain;
    const [tree, selected] = await Promise.all([
      treeOf(snapshot, context),
      host.selectedChildNames(uuid, snapshot.name, args.filter, descendants),
    ]);
    const members = descendants ? tree.descendants(snapshot.name) : tree.children(snapshot.name);
    const ordered = tree.sort(members, args.order ?? 'TOPOLOGICAL');
    const chosen = selected === null ? ordered : ordered.filter((s) => selected.has(s.name));

    const records = chosen.map((document) => snapshotRecord(snapshot.domain, document, tree));

    return inTurn(paginate(records, args, context.pageSizeCap), context.takeTurn);
  };
}

// Each parsed snapshot's ID key, with the host and domain it was made for: a document is
// parsed for one domain of one host, and keeps its key while its XML is unchanged.
const keys = new WeakMap<SnapshotRecord['document'], { host: string; uuid: string; key: string }>();

function snapshotKey(snapshot: SnapshotRecord): string {
  const host = snapshot.domain.host.name;
  const { uuid } = snapshot.domain;
  const known = keys.get(snapshot.document);
  if (known !== undefined && known.host === host && known.uuid === uuid) {
    return known.key;
  }

  const key = encodeKey([host, uuid, snapshot.name]);
  keys.set(snapshot.document, { host, uuid, key });

  return key;
}

builder.node(SnapshotRef, {
  id: { resolve: snapshotKey },
  isTypeOf: (value) => value instanceof Object && 'document' in value,
  loadOne: async (key, context) => {
    const [hostName, uuid, name] = decodeKey(key, 3) as [string, string, string];
    const host = context.hosts.byName(hostName);
    const domain = host === undefined ? null : await host.domainByUuid(uuid);
    if (domain === null) {
      return null;
    }

    const document = (await context.trees.get(domain.host, uuid)).get(name);

    return document === undefined ? null : snapshotRecord(domain, document);
  },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'virDomainSnapshotGetName' }),
    domain: t.field({
      type: DomainRef,
      description: 'virDomainSnapshotGetDomain',
      resolve: (snapshot) => snapshot.domain,
    }),
    host: t.field({
      type: HostRef,
      description: 'virDomainSnapshotGetConnect',
      resolve: (snapshot) => snapshot.domain.host,
    }),
    description: t.string({ nullable: true, resolve: (s) => s.document.description }),
    state: t.field({
      type: SnapshotStateEnum,
      description: 'The domain’s state when the snapshot was taken',
      resolve: (s) => s.document.state,
    }),
    kind: t.field({ type: SnapshotKindEnum, resolve: (s) => s.document.kind }),
    location: t.field({ type: SnapshotLocationEnum, resolve: (s) => s.document.location }),
    creationTime: t.field({ type: 'DateTime', resolve: (s) => s.document.creationTime }),
    memory: t.field({ type: SnapshotMemoryRef, resolve: (s) => s.document.memory }),
    disks: t.field({ type: [SnapshotDiskRef], resolve: (s) => s.document.disks }),
    isCurrent: t.boolean({
      description: 'virDomainSnapshotIsCurrent, read from the domain’s current snapshot',
      resolve: (snapshot, _args, context) =>
        fromTree(snapshot, context, (tree) => tree.current === snapshot.name),
    }),
    hasMetadata: t.boolean({
      description: 'virDomainSnapshotHasMetadata',
      resolve: (snapshot) => snapshot.domain.host.hasMetadata(snapshot.domain.uuid, snapshot.name),
    }),
    parent: t.field({
      type: SnapshotRef,
      nullable: true,
      description: 'virDomainSnapshotGetParent; null for a root',
      resolve: (snapshot, _args, context) =>
        fromTree(snapshot, context, (tree) => {
          const document = tree.parent(snapshot.name);

          return document === undefined ? null : snapshotRecord(snapshot.domain, document, tree);
        }),
    }),
    ancestors: t.field({
      type: [SnapshotRef],
      description: 'The parent first, the root last',
      resolve: (snapshot, _args, context) =>
        fromTree(snapshot, context, (tree) =>
          tree
            .ancestors(snapshot.name)
            .map((document) => snapshotRecord(snapshot.domain, document, tree)),
        ),
    }),
    children: t.connection(
      {
        type: SnapshotRef,
        description: 'virDomainSnapshotListAllChildren',
        args: {
          filter: t.arg({ type: SnapshotFilterInput }),
          order: t.arg({ type: SnapshotOrderEnum }),
        },
        resolve: subtree(false),
      },
      SnapshotConnectionRef,
    ),
    descendants: t.connection(
      {
        type: SnapshotRef,
        description: 'virDomainSnapshotListAllChildren with LIST_DESCENDANTS',
        args: {
          filter: t.arg({ type: SnapshotFilterInput }),
          order: t.arg({ type: SnapshotOrderEnum }),
        },
        resolve: subtree(true),
      },
      SnapshotConnectionRef,
    ),
    childCount: t.int({
      description: 'virDomainSnapshotNumChildren',
      args: {
        filter: t.arg({ type: SnapshotFilterInput }),
        descendants: t.arg.boolean({ defaultValue: false }),
      },
      resolve: async (snapshot, args, context) => {
        const descendants = args.descendants ?? false;
        if (args.filter === null || args.filter === undefined) {
          const tree = await treeOf(snapshot, context);

          return (descendants ? tree.descendants(snapshot.name) : tree.children(snapshot.name))
            .length;
        }

        const { host, uuid } = snapshot.domain;

        return host.childCount(uuid, snapshot.name, args.filter, descendants);
      },
    }),
    childNames: t.stringList({
      description: 'virDomainSnapshotListChildrenNames',
      args: {
        filter: t.arg({ type: SnapshotFilterInput }),
        descendants: t.arg.boolean({ defaultValue: false }),
      },
      resolve: (snapshot, args) =>
        snapshot.domain.host.childNames(
          snapshot.domain.uuid,
          snapshot.name,
          args.filter,
          args.descendants ?? false,
        ),
    }),
    xml: t.string({
      description: 'virDomainSnapshotGetXMLDesc',
      args: {
        secure: t.arg.boolean({
          defaultValue: false,
          description: 'XML_SECURE: include security-sensitive data; needs the operator role',
        }),
      },
      resolve: (snapshot, args, context) => {
        const secure = args.secure ?? false;
        if (secure) {
          requireOperator(context, 'Snapshot.xml(secure: true)');
        }

        return snapshot.domain.host.snapshotXml(snapshot.domain.uuid, snapshot.name, secure);
      },
    }),
  }),
});
