/** What happened to a snapshot (API.md, SnapshotEventType). */
export type SnapshotEventType = 'CREATED' | 'DELETED' | 'REVERTED' | 'UPDATED';

/** API: made through this server; EXTERNAL: seen in libvirt (virsh, another client). */
export type EventOrigin = 'API' | 'EXTERNAL';

/** One change of one snapshot, as the event log keeps it. */
export interface SnapshotEvent {
  /** Unique; `snapshotEvents(after:)` replays what came after it. */
  id: string;
  type: SnapshotEventType;
  origin: EventOrigin;
  occurredAt: Date;
  hostName: string;
  domainUuid: string;
  domainName: string;
  snapshotName: string;
}

/** What a domain-level event reports (API.md, DomainEventType). */
export type DomainEventType =
  | 'DEFINED'
  | 'UNDEFINED'
  | 'STATE_CHANGED'
  | 'HOST_CONNECTED'
  | 'HOST_DISCONNECTED';

/** One change of a domain or a host. */
export interface DomainEvent {
  id: string;
  type: DomainEventType;
  occurredAt: Date;
  hostName: string;
  /** Null for the HOST_ types. */
  domainUuid: string | null;
  domainName: string | null;
  /** The domain's state after the change, where there is one. */
  state: string | null;
}

/** What a snapshot job does (API.md, SnapshotJobOperation). */
export type SnapshotJobOperation = 'CREATE' | 'REVERT' | 'DELETE';

/** Where a snapshot job is (API.md, SnapshotJobPhase). */
export type SnapshotJobPhase = 'STARTED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/** One report of a create, revert or delete in flight. */
export interface SnapshotJobEvent {
  /** The report's own ID, in the log. */
  id: string;
  /** The job's ID: the same in every report of one job. */
  jobId: string;
  hostName: string;
  domainUuid: string;
  domainName: string;
  operation: SnapshotJobOperation;
  phase: SnapshotJobPhase;
  /** Null until libvirt has named the snapshot (a create without a name). */
  snapshotName: string | null;
  /** Bytes, from libvirt's job statistics; null where libvirt reports none. */
  dataTotal: number | null;
  dataProcessed: number | null;
  elapsedMs: number;
  /** With FAILED: what went wrong. */
  error: string | null;
}
