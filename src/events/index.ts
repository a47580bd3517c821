/** Events: the logs subscribers read, and what feeds them. */
export { type EventFilter, EventGapError, EventLog } from './event-log.ts';
export { Events } from './events.ts';
export { type ChangedDomain, publishSnapshotChanges } from './publish.ts';
export type {
  DomainEvent,
  DomainEventType,
  EventOrigin,
  SnapshotEvent,
  SnapshotEventType,
  SnapshotJobEvent,
  SnapshotJobOperation,
  SnapshotJobPhase,
} from './snapshot-event.ts';
export { type ChangeCause, diffTrees, type SnapshotChange } from './tree-diff.ts';
