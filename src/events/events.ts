import { EventLog } from './event-log.ts';
import type { DomainEvent, SnapshotEvent } from './snapshot-event.ts';

/** The server's two event logs: what subscribers read, live and replayed. */
export class Events {
  readonly snapshots: EventLog<SnapshotEvent>;
  readonly domains: EventLog<DomainEvent>;

  constructor(capacity = 10_000) {
    this.snapshots = new EventLog<SnapshotEvent>(capacity);
    this.domains = new EventLog<DomainEvent>(capacity);
  }
}
