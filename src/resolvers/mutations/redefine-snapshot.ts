import { badInput } from '../../errors.ts';
import { redefineSnapshot } from '../../hosts/snapshot-mutations.ts';
import { checkSnapshotDocument, SnapshotXmlError } from '../../hosts/snapshot-xml.ts';
import { requireOperator } from '../access.ts';
import { builder } from '../builder.ts';
import { DomainRef } from '../domain.ts';
import { SnapshotRef } from '../snapshot.ts';
import { snapshotRecord } from '../snapshot-record.ts';
import { domainFromId } from './targets.ts';

builder.relayMutationField(
  'redefineSnapshot',
  {
    inputFields: (t) => ({
      domainId: t.id({ required: true }),
      xml: t.string({
        required: true,
        description: 'CREATE_REDEFINE: a full <domainsnapshot>, as Snapshot.xml returns it',
      }),
      current: t.boolean({ description: 'CREATE_CURRENT' }),
      validate: t.boolean({ description: 'CREATE_VALIDATE' }),
      expectedTreeVersion: t.string({
        description: 'CONFLICT (TREE_CHANGED) unless the tree is still at this version',
      }),
    }),
  },
  {
    resolve: async (_root, { input }, context) => {
      requireOperator(context, 'redefineSnapshot');
      const domain = await domainFromId(context, input.domainId);
      try {
        checkSnapshotDocument(input.xml, 'redefine', domain);
      } catch (error) {
        if (error instanceof SnapshotXmlError) {
          throw badInput(error.message);
        }

        throw error;
      }

      const result = await redefineSnapshot(domain.host, domain.uuid, input.xml, input);
      context.trees.forget(domain.host, domain.uuid);
      const document = (await context.trees.get(domain.host, domain.uuid)).get(result.name);
      if (document === undefined) {
        throw new Error(`libvirt redefined ${result.name} but does not list it`);
      }

      return { snapshot: snapshotRecord(result.domain, document), domain: result.domain };
    },
  },
  {
    outputFields: (t) => ({
      snapshot: t.field({ type: SnapshotRef, resolve: (payload) => payload.snapshot }),
      domain: t.field({ type: DomainRef, resolve: (payload) => payload.domain }),
    }),
  },
);
