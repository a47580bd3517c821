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
