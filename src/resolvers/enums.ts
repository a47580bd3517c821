import { builder } from './builder.ts';

/** `virDomainState` by name. */
export const DomainStateEnum = builder.enumType('DomainState', {
  values: [
    'RUNNING',
    'PAUSED',
    'SHUTOFF',
    'SHUTDOWN',
    'CRASHED',
    'PMSUSPENDED',
    'BLOCKED',
    'NOSTATE',
  ] as const,
});

/** The domain's state when the snapshot was taken. */
export const SnapshotStateEnum = builder.enumType('SnapshotState', {
  values: [
    'RUNNING',
    'PAUSED',
    'SHUTOFF',
    'DISK_SNAPSHOT',
    'CRASHED',
    'PMSUSPENDED',
    'SHUTDOWN',
    'BLOCKED',
    'NOSTATE',
  ] as const,
});

/** libvirt's list-flag group: INACTIVE, ACTIVE, DISK_ONLY. */
export const SnapshotKindEnum = builder.enumType('SnapshotKind', {
  values: ['INACTIVE', 'ACTIVE', 'DISK_ONLY'] as const,
});

export const SnapshotLocationEnum = builder.enumType('SnapshotLocation', {
  values: ['INTERNAL', 'EXTERNAL'] as const,
});

/** How memory or a disk is captured: libvirt's `snapshot` attribute. */
export const SnapshotModeEnum = builder.enumType('SnapshotMode', {
  values: ['NO', 'INTERNAL', 'EXTERNAL', 'MANUAL'] as const,
});

export const SnapshotOrderEnum = builder.enumType('SnapshotOrder', {
  values: {
    TOPOLOGICAL: {
      description: 'Every parent before its children (LIST_TOPOLOGICAL); the default',
    },
    NAME: { description: 'By name, in code-point order' },
    CREATION_TIME: { description: 'Oldest first' },
  } as const,
});

export const RoleEnum = builder.enumType('Role', { values: ['VIEWER', 'OPERATOR'] as const });

export const RevertTargetStateEnum = builder.enumType('RevertTargetState', {
  values: {
    RUNNING: { description: 'REVERT_RUNNING' },
    PAUSED: { description: 'REVERT_PAUSED' },
  } as const,
});

export const DeleteScopeEnum = builder.enumType('DeleteScope', {
  values: {
    SNAPSHOT: { description: 'The snapshot only; its children move up to its parent' },
    SNAPSHOT_AND_DESCENDANTS: { description: 'DELETE_CHILDREN' },
    DESCENDANTS_ONLY: { description: 'DELETE_CHILDREN_ONLY' },
  } as const,
});
