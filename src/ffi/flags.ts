/**
 * libvirt's snapshot flags and the domain constants the server reads, with the values of
 * libvirt's headers (`libvirt-domain-snapshot.h`, `libvirt-domain.h`). Call sites combine
 * these with `|`; no bare numbers.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html
 */

/** `virDomainSnapshotCreateFlags`, for {@link DomainSnapshot} creation. */
export const SnapshotCreateFlags = {
  REDEFINE: 1 << 0,
  CURRENT: 1 << 1,
  NO_METADATA: 1 << 2,
  HALT: 1 << 3,
  DISK_ONLY: 1 << 4,
  REUSE_EXT: 1 << 5,
  QUIESCE: 1 << 6,
  ATOMIC: 1 << 7,
  LIVE: 1 << 8,
  VALIDATE: 1 << 9,
} as const;

/** `virDomainSnapshotDeleteFlags`. */
export const SnapshotDeleteFlags = {
  CHILDREN: 1 << 0,
  METADATA_ONLY: 1 << 1,
  CHILDREN_ONLY: 1 << 2,
} as const;

/**
 * `virDomainSnapshotListFlags`. ROOTS and DESCENDANTS share bit 0: on a domain's list it
 * means roots only, on a snapshot's children it means all descendants.
 */
export const SnapshotListFlags = {
  ROOTS: 1 << 0,
  DESCENDANTS: 1 << 0,
  METADATA: 1 << 1,
  LEAVES: 1 << 2,
  NO_LEAVES: 1 << 3,
  NO_METADATA: 1 << 4,
  INACTIVE: 1 << 5,
  ACTIVE: 1 << 6,
  DISK_ONLY: 1 << 7,
  INTERNAL: 1 << 8,
  EXTERNAL: 1 << 9,
  TOPOLOGICAL: 1 << 10,
} as const;

/** `virDomainSnapshotRevertFlags`. */
export const SnapshotRevertFlags = {
  RUNNING: 1 << 0,
  PAUSED: 1 << 1,
  FORCE: 1 << 2,
  RESET_NVRAM: 1 << 3,
} as const;

/** `virDomainSnapshotXMLFlags`; SECURE is `VIR_DOMAIN_XML_SECURE`. */
export const SnapshotXMLFlags = {
  SECURE: 1 << 0,
} as const;

/** `virDomainXMLFlags`, for a domain's own XML. */
export const DomainXMLFlags = {
  SECURE: 1 << 0,
  INACTIVE: 1 << 1,
  UPDATE_CPU: 1 << 2,
  MIGRATABLE: 1 << 3,
} as const;

/** `virConnectListAllDomainsFlags`. */
export const ListDomainsFlags = {
  ACTIVE: 1 << 0,
  INACTIVE: 1 << 1,
  PERSISTENT: 1 << 2,
  TRANSIENT: 1 << 3,
} as const;

/** `virDomainUndefineFlagsValues`, for removing a domain with its snapshots. */
export const DomainUndefineFlags = {
  MANAGED_SAVE: 1 << 0,
  SNAPSHOTS_METADATA: 1 << 1,
  NVRAM: 1 << 2,
  KEEP_NVRAM: 1 << 3,
  CHECKPOINTS_METADATA: 1 << 4,
  TPM: 1 << 5,
  KEEP_TPM: 1 << 6,
} as const;

/** `virDomainState`. */
export const DomainState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

export type DomainStateName = keyof typeof DomainState;
export type DomainStateValue = (typeof DomainState)[DomainStateName];

/** `virConnectCloseReason`, passed to a connection's close callback. */
export const ConnectCloseReason = {
  ERROR: 0,
  EOF: 1,
  KEEPALIVE: 2,
  CLIENT: 3,
} as const;

export type ConnectCloseReasonValue = (typeof ConnectCloseReason)[keyof typeof ConnectCloseReason];

/** The name of a `virDomainState` value, for logs and the schema's enum. */
export function domainStateName(state: number): DomainStateName {
  const entry = Object.entries(DomainState).find(([, value]) => value === state);

  return entry === undefined ? 'NOSTATE' : (entry[0] as DomainStateName);
}

/** `virDomainEventID`: the events the binding registers for. */
export const DomainEventId = {
  LIFECYCLE: 0,
} as const;

/** `virDomainEventType`: what a lifecycle event reports. */
export const DomainLifecycleEvent = {
  DEFINED: 0,
  UNDEFINED: 1,
  STARTED: 2,
  SUSPENDED: 3,
  RESUMED: 4,
  STOPPED: 5,
  SHUTDOWN: 6,
  PMSUSPENDED: 7,
  CRASHED: 8,
} as const;

/** `virDomainJobType`: what kind of job a domain is running, if any. */
export const DomainJobType = {
  NONE: 0,
  BOUNDED: 1,
  UNBOUNDED: 2,
  COMPLETED: 3,
  FAILED: 4,
  CANCELLED: 5,
} as const;

export type DomainJobTypeName = keyof typeof DomainJobType;

/** The name of a `virDomainJobType` value; one this binding does not know is an error. */
export function domainJobTypeName(type: number): DomainJobTypeName {
  const entry = Object.entries(DomainJobType).find(([, value]) => value === type);
  if (entry === undefined) {
    throw new RangeError(`libvirt reported an unknown job type ${type}`);
  }

  return entry[0] as DomainJobTypeName;
}

/** `virDomainJobOperation`: the operation that started a job, from its statistics. */
export const DomainJobOperation = {
  UNKNOWN: 0,
  START: 1,
  SAVE: 2,
  RESTORE: 3,
  MIGRATION_IN: 4,
  MIGRATION_OUT: 5,
  SNAPSHOT: 6,
  SNAPSHOT_REVERT: 7,
  DUMP: 8,
  BACKUP: 9,
  SNAPSHOT_DELETE: 10,
} as const;

export type DomainJobOperationName = keyof typeof DomainJobOperation;

/** The name of a `virDomainJobOperation` value; one newer than this binding is `UNKNOWN`. */
export function domainJobOperationName(operation: number): DomainJobOperationName {
  const entry = Object.entries(DomainJobOperation).find(([, value]) => value === operation);

  return entry === undefined ? 'UNKNOWN' : (entry[0] as DomainJobOperationName);
}

/** `virDomainGetJobStatsFlags`. */
export const DomainJobStatsFlags = {
  COMPLETED: 1 << 0,
  KEEP_COMPLETED: 1 << 1,
} as const;

/** `virTypedParameterType`: the type of one value of a typed parameter list. */
export const TypedParameterType = {
  INT: 1,
  UINT: 2,
  LLONG: 3,
  ULLONG: 4,
  DOUBLE: 5,
  BOOLEAN: 6,
  STRING: 7,
} as const;
