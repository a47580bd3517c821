import { revertToSnapshot } from '../../hosts/snapshot-mutations.ts';
import { requireOperator } from '../access.ts';
import { builder } from '../builder.ts';
import { DomainRef } from '../domain.ts';
import { RevertTargetStateEnum } from '../enums.ts';
import { SnapshotRef } from '../snapshot.ts';
import { snapshotRecord } from '../snapshot-record.ts';
import { snapshotFromId } from './targets.ts';

builder.relayMutationField(
  'revertToSnapshot',
  {
    inputFields: (t) => ({
      snapshotId: t.id({ required: true }),
      targetState: t.field({
        type: RevertTargetStateEnum,
        description: 'RUNNING (REVERT_RUNNING) or PAUSED (REVERT_PAUSED); absent: as taken',
      }),
      force: t.boolean({ description: 'REVERT_FORCE' }),
      resetNvram: t.boolean({ description: 'REVERT_RESET_NVRAM' }),
    }),
  },
  {
    resolve: async (_root, { input }, context) => {
      requireOperator(context, 'revertToSnapshot');
      const { domain, name } = await snapshotFromId(context, input.snapshotId);
      const after = await revertToSnapshot(domain.host, domain.uuid, name, input);
      context.trees.forget(domain.host, domain.uuid);
      const document = (await context.trees.get(domain.host, domain.uuid)).get(name);
      if (document === undefined) {
        throw new Error(`the snapshot ${name} vanished during the revert`);
      }

      return { snapshot: snapshotRecord(after, document), domain: after };
    },
  },
  {
    outputFields: (t) => ({
      snapshot: t.field({ type: SnapshotRef, resolve: (payload) => payload.snapshot }),
      domain: t.field({ type: DomainRef, resolve: (payload) => payload.domain }),
    }),
  },
);
