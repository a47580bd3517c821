import { planRevert, revertToSnapshot } from '../../hosts/snapshot-mutations.ts';
import { requireOperator } from '../access.ts';
import { builder } from '../builder.ts';
import { DomainRef } from '../domain.ts';
import { DomainStateEnum, RevertTargetStateEnum } from '../enums.ts';
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
      expectedTreeVersion: t.string({
        description: 'CONFLICT (TREE_CHANGED) unless the tree is still at this version',
      }),
      dryRun: t.boolean({ description: 'Check and describe; change nothing' }),
    }),
  },
  {
    resolve: async (_root, { input }, context) => {
      requireOperator(context, 'revertToSnapshot');
      const { domain, name } = await snapshotFromId(context, input.snapshotId);
      if (input.dryRun === true) {
        const plan = await planRevert(domain.host, domain.uuid, name, input);
        const document = (await context.trees.get(domain.host, domain.uuid)).get(name);
        if (document === undefined) {
          throw new Error(`the snapshot ${name} vanished during the dry run`);
        }

        const snapshot = snapshotRecord(plan.domain, document);

        return { snapshot, domain: plan.domain, dryRun: true, resultingState: plan.resultingState };
      }

      const after = await revertToSnapshot(domain.host, domain.uuid, name, input);
      context.trees.forget(domain.host, domain.uuid);
      const document = (await context.trees.get(domain.host, domain.uuid)).get(name);
      if (document === undefined) {
        throw new Error(`the snapshot ${name} vanished during the revert`);
      }

      const snapshot = snapshotRecord(after, document);

      return { snapshot, domain: after, dryRun: false, resultingState: after.state };
    },
  },
  {
    outputFields: (t) => ({
      snapshot: t.field({ type: SnapshotRef, resolve: (payload) => payload.snapshot }),
      domain: t.field({ type: DomainRef, resolve: (payload) => payload.domain }),
      dryRun: t.boolean({ resolve: (payload) => payload.dryRun }),
      resultingState: t.field({
        type: DomainStateEnum,
        description: 'The domain’s state after the revert',
        resolve: (payload) => payload.resultingState,
      }),
    }),
  },
);
