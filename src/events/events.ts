import { EventLog } from './event-log.ts';
import type { DomainEvent, SnapshotEvent, SnapshotJobEvent } from './snapshot-event.ts';

/** The server's two event logs: what subscribers read, live and replayed. */
export class Events {
  readonly snapshots: EventLog<SnapshotEvent>;
  readonly domains: EventLog<DomainEvent>;
  /** Reports of creates, reverts and deletes in flight: live only, a short log. */
  readonly jobs: EventLog<SnapshotJobEvent>;

  constructor(capacity = 10_000) {
    this.snapshots = new EventLog<SnapshotEvent>(capacity);
    this.domains = new EventLog<DomainEvent>(capacity);
    this.jobs = new EventLog<SnapshotJobEvent>(1000);
  }
}
