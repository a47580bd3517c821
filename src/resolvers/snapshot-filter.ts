import { builder } from './builder.ts';
import { SnapshotKindEnum, SnapshotLocationEnum } from './enums.ts';

/** API.md's SnapshotFilter: each field one group of libvirt's list flags. */
export const SnapshotFilterInput = builder.inputType('SnapshotFilter', {
  fields: (t) => ({
    roots: t.boolean({
      description:
        'true: LIST_ROOTS; false: only snapshots with a parent. Domain-level lists only: on ' +
        'children and descendants it is BAD_USER_INPUT (libvirt gives ROOTS and DESCENDANTS ' +
        'the same bit)',
    }),
    leaves: t.boolean({ description: 'true: LIST_LEAVES, false: LIST_NO_LEAVES' }),
    hasMetadata: t.boolean({ description: 'true: LIST_METADATA, false: LIST_NO_METADATA' }),
    kinds: t.field({
      type: [SnapshotKindEnum],
      description: 'LIST_INACTIVE / LIST_ACTIVE / LIST_DISK_ONLY',
    }),
    location: t.field({
      type: SnapshotLocationEnum,
      description: 'LIST_INTERNAL / LIST_EXTERNAL',
    }),
  }),
});
