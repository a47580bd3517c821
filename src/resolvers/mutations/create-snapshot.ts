import { badInput } from '../../errors.ts';
import { checkCreateFlags, createFlags } from '../../hosts/snapshot-flags.ts';
import { createSnapshot } from '../../hosts/snapshot-mutations.ts';
import { documentSnapshotName } from '../../hosts/snapshot-name.ts';
import {
  buildSnapshotXml,
  checkSnapshotDocument,
  type RequestedSnapshot,
  SnapshotXmlError,
} from '../../hosts/snapshot-xml.ts';
import { requireOperator } from '../access.ts';
import { builder } from '../builder.ts';
import { DomainRef } from '../domain.ts';
import { SnapshotModeEnum } from '../enums.ts';
import { SnapshotRef } from '../snapshot.ts';
import { snapshotRecord } from '../snapshot-record.ts';
import { domainFromId } from './targets.ts';

const SnapshotMemoryInput = builder.inputType('SnapshotMemoryInput', {
  fields: (t) => ({
    mode: t.field({ type: SnapshotModeEnum, required: true }),
    file: t.string({ description: 'With mode EXTERNAL: where the memory is saved' }),
  }),
});

const SnapshotDiskInput = builder.inputType('SnapshotDiskInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'The disk’s target, e.g. vda' }),
    mode: t.field({ type: SnapshotModeEnum, required: true }),
    driverType: t.string({ description: 'e.g. qcow2' }),
    sourceFile: t.string({ description: 'With mode EXTERNAL: the new overlay file' }),
  }),
});

const flagField = (description: string) => ({ description });

builder.relayMutationField(
  'createSnapshot',
  {
    inputFields: (t) => ({
      domainId: t.id({ required: true }),
      name: t.string({ description: 'libvirt picks one (the epoch time) when absent' }),
      description: t.string(),
      memory: t.field({ type: SnapshotMemoryInput }),
      disks: t.field({ type: [SnapshotDiskInput] }),
      xml: t.string({
        description: 'A whole <domainsnapshot> document instead of the structured fields',
      }),
      noMetadata: t.boolean(flagField('CREATE_NO_METADATA')),
      halt: t.boolean(flagField('CREATE_HALT')),
      diskOnly: t.boolean(flagField('CREATE_DISK_ONLY')),
      reuseExternal: t.boolean(flagField('CREATE_REUSE_EXT')),
      quiesce: t.boolean(flagField('CREATE_QUIESCE')),
      atomic: t.boolean(flagField('CREATE_ATOMIC')),
      live: t.boolean(flagField('CREATE_LIVE: needs memory saved to an external file')),
      validate: t.boolean(flagField('CREATE_VALIDATE')),
      expectedTreeVersion: t.string({
        description: 'CONFLICT (TREE_CHANGED) unless the tree is still at this version',
      }),
    }),
  },
  {
    resolve: async (_root, { input }, context) => {
      requireOperator(context, 'createSnapshot');
      const domain = await domainFromId(context, input.domainId);
      const structured = [input.name, input.description, input.memory, input.disks].some(
        (field) => field !== null && field !== undefined,
      );
      if (structured && input.xml !== null && input.xml !== undefined) {
        throw badInput('give either the structured fields or xml, not both');
      }

      let xml: string;
      // What the snapshot asks for, to check the flags against; null for a document libvirt
      // is left to judge.
      let requested: RequestedSnapshot | null;
      try {
        xml = input.xml ?? buildSnapshotXml(input);
        requested =
          input.xml === null || input.xml === undefined
            ? { memory: input.memory?.mode ?? 'NO' }
            : checkSnapshotDocument(input.xml, 'create', domain);
      } catch (error) {
        if (error instanceof SnapshotXmlError) {
          throw badInput(error.message);
        }

        throw error;
      }

      if (requested !== null) {
        checkCreateFlags(input, requested.memory);
      }

      const name = input.xml ? documentSnapshotName(input.xml) : (input.name ?? null);
      const result = await createSnapshot(domain.host, domain.uuid, xml, name, createFlags(input), {
        expectedTreeVersion: input.expectedTreeVersion,
      });
      context.trees.forget(domain.host, domain.uuid);
      if (input.noMetadata === true) {
        return { snapshot: null, domain: result.domain };
      }

      const tree = await context.trees.get(domain.host, domain.uuid);
      const document = tree.get(result.name);

      return {
        snapshot: document === undefined ? null : snapshotRecord(result.domain, document),
        domain: result.domain,
      };
    },
  },
  {
    outputFields: (t) => ({
      snapshot: t.field({
        type: SnapshotRef,
        nullable: true,
        description: 'null only with noMetadata, which leaves nothing to point at',
        resolve: (payload) => payload.snapshot,
      }),
      domain: t.field({ type: DomainRef, resolve: (payload) => payload.domain }),
    }),
  },
);
