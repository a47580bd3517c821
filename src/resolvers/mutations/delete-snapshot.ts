import { deleteSnapshot, planDelete } from '../../hosts/snapshot-mutations.ts';
import { requireOperator } from '../access.ts';
import { builder, encodeGlobalID } from '../builder.ts';
import { DomainRef } from '../domain.ts';
import { DeleteScopeEnum } from '../enums.ts';
import { encodeKey } from '../ids.ts';
import { snapshotFromId } from './targets.ts';

builder.relayMutationField(
  'deleteSnapshot',
  {
    inputFields: (t) => ({
      snapshotId: t.id({ required: true }),
      scope: t.field({
        type: DeleteScopeEnum,
        description: 'SNAPSHOT by default: its children are re-parented',
      }),
      metadataOnly: t.boolean({ description: 'DELETE_METADATA_ONLY' }),
      expectedTreeVersion: t.string({
        description: 'CONFLICT (TREE_CHANGED) unless the tree is still at this version',
      }),
      dryRun: t.boolean({ description: 'Check and describe; change nothing' }),
    }),
  },
  {
    resolve: async (_root, { input }, context) => {
      requireOperator(context, 'deleteSnapshot');
      const { domain, name } = await snapshotFromId(context, input.snapshotId);
      const dryRun = input.dryRun === true;
      const result = await (dryRun ? planDelete : deleteSnapshot)(
        domain.host,
        domain.uuid,
        name,
        input.scope ?? 'SNAPSHOT',
        input.metadataOnly ?? false,
        input,
      );
      if (!dryRun) {
        context.trees.forget(domain.host, domain.uuid);
      }

      const idOf = (snapshot: string) =>
        encodeGlobalID('Snapshot', encodeKey([domain.host.name, domain.uuid, snapshot]));

      return {
        deletedSnapshotIds: result.deletedNames.map(idOf),
        deletedSnapshotNames: result.deletedNames,
        reparentedSnapshotIds: result.reparentedNames.map(idOf),
        domain: result.domain,
        dryRun,
      };
    },
  },
  {
    outputFields: (t) => ({
      deletedSnapshotIds: t.idList({ resolve: (payload) => payload.deletedSnapshotIds }),
      deletedSnapshotNames: t.stringList({ resolve: (payload) => payload.deletedSnapshotNames }),
      reparentedSnapshotIds: t.idList({
        description: 'Children that move up to the parent',
        resolve: (payload) => payload.reparentedSnapshotIds,
      }),
      dryRun: t.boolean({ resolve: (payload) => payload.dryRun }),
      domain: t.field({ type: DomainRef, resolve: (payload) => payload.domain }),
    }),
  },
);
