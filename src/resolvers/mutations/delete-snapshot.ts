import { deleteSnapshot } from '../../hosts/snapshot-mutations.ts';
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
    }),
  },
  {
    resolve: async (_root, { input }, context) => {
      requireOperator(context, 'deleteSnapshot');
      const { domain, name } = await snapshotFromId(context, input.snapshotId);
      const result = await deleteSnapshot(
        domain.host,
        domain.uuid,
        name,
        input.scope ?? 'SNAPSHOT',
        input.metadataOnly ?? false,
      );
      context.trees.forget(domain.host, domain.uuid);
      const idOf = (snapshot: string) =>
        encodeGlobalID('Snapshot', encodeKey([domain.host.name, domain.uuid, snapshot]));

      return {
        deletedSnapshotIds: result.deletedNames.map(idOf),
        deletedSnapshotNames: result.deletedNames,
        reparentedSnapshotIds: result.reparentedNames.map(idOf),
        domain: result.domain,
      };
    },
  },
  {
    outputFields: (t) => ({
      deletedSnapshotIds: t.idList({ resolve: (payload) => payload.deletedSnapshotIds }),
      deletedSnapshotNames: t.stringList({ resolve: (payload) => payload.deletedSnapshotNames }),
      domain: t.field({ type: DomainRef, resolve: (payload) => payload.domain }),
    }),
  },
);
