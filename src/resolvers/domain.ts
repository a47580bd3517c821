import type { DomainRecord } from '../hosts/host.ts';
import { builder } from './builder.ts';
import { DomainStateEnum, SnapshotOrderEnum } from './enums.ts';
import { HostRef } from './host.ts';
import { decodeKey, encodeKey } from './ids.ts';
import { inTurn, paginate } from './pagination.ts';
import { SnapshotConnectionRef, SnapshotRef } from './snapshot.ts';
import { SnapshotFilterInput } from './snapshot-filter.ts';
import { snapshotRecord } from './snapshot-record.ts';

/** A domain of a host. */
export const DomainRef = builder.objectRef<DomainRecord>('Domain');

builder.node(DomainRef, {
  id: { resolve: (domain) => encodeKey([domain.host.name, domain.uuid]) },
  isTypeOf: (value) => value instanceof Object && 'uuid' in value && 'persistent' in value,
  loadOne: async (key, context) => {
    const [hostName, uuid] = decodeKey(key, 2) as [string, string];
    const host = context.hosts.byName(hostName);

    return host === undefined ? null : host.domainByUuid(uuid);
  },
  fields: (t) => ({
    uuid: t.exposeString('uuid'),
    name: t.exposeString('name'),
    host: t.field({ type: HostRef, resolve: (domain) => domain.host }),
    state: t.field({ type: DomainStateEnum, resolve: (domain) => domain.state }),
    persistent: t.exposeBoolean('persistent'),
    hasCurrentSnapshot: t.boolean({
      description: 'virDomainHasCurrentSnapshot',
      resolve: async (domain, _args, context) =>
        (await context.trees.get(domain.host, domain.uuid)).current !== null,
    }),
    snapshotTreeVersion: t.string({
      description:
        'A digest of the snapshots (names, parents, what a redefinition changes) and the ' +
        'current one: it changes whenever any of them does, by anyone',
      resolve: async (domain, _args, context) =>
        domain.host.recordVersion(domain.uuid, await context.trees.get(domain.host, domain.uuid)),
    }),
    currentSnapshot: t.field({
      type: SnapshotRef,
      nullable: true,
      description: 'virDomainSnapshotCurrent',
      resolve: async (domain, _args, context) => {
        const tree = await context.trees.get(domain.host, domain.uuid);
        const current = tree.current === null ? undefined : tree.get(tree.current);

        return current === undefined ? null : snapshotRecord(domain, current, tree);
      },
    }),
    snapshot: t.field({
      type: SnapshotRef,
      nullable: true,
      description: 'virDomainSnapshotLookupByName; null when no snapshot has that name',
      args: { name: t.arg.string({ required: true }) },
      resolve: async (domain, args, context) => {
        const tree = await context.trees.get(domain.host, domain.uuid);
        const document = tree.get(args.name);

        return document === undefined ? null : snapshotRecord(domain, document, tree);
      },
    }),
    snapshotCount: t.int({
      description: 'virDomainSnapshotNum',
      args: { filter: t.arg({ type: SnapshotFilterInput }) },
      resolve: (domain, args) => domain.host.snapshotCount(domain.uuid, args.filter),
    }),
    snapshotNames: t.stringList({
      description: 'virDomainSnapshotListNames',
      args: { filter: t.arg({ type: SnapshotFilterInput }) },
      resolve: (domain, args) => domain.host.snapshotNames(domain.uuid, args.filter),
    }),
    snapshots: t.connection(
      {
        type: SnapshotRef,
        description: 'virDomainListAllSnapshots',
        args: {
          filter: t.arg({ type: SnapshotFilterInput }),
          order: t.arg({ type: SnapshotOrderEnum }),
        },
        resolve: async (domain, args, context) => {
          const [tree, selected] = await Promise.all([
            context.trees.get(domain.host, domain.uuid),
            domain.host.selectedNames(domain.uuid, args.filter),
          ]);
          const ordered = tree.sort(tree.topological(), args.order ?? 'TOPOLOGICAL');
          const chosen = selected === null ? ordered : ordered.filter((s) => selected.has(s.name));
          const records = chosen.map((document) => snapshotRecord(domain, document, tree));

          return inTurn(paginate(records, args, context.pageSizeCap), context.takeTurn);
        },
      },
      SnapshotConnectionRef,
    ),
  }),
});
