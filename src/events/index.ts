/** Events: the logs subscribers read, and what feeds them. */
export { type EventFilter, EventGapError, EventLog } from './event-log.ts';
export { Events } from './events.ts';
export type {
  DomainEvent,
  DomainEventType,
  EventOrigin,
  SnapshotEvent,
  SnapshotEventType,
} from './snapshot-event.ts';
