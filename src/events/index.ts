/** Events: the logs subscribers read, and what feeds them. */
export { type EventFilter, EventGapError, EventLog } from './event-log.ts';
export { Events } from './events.ts';
export {
  type ChangedDomain,
  type ChangeFeed,
  DOMAIN_LIST,
  type KnownDomain,
  LocalFeed,
  type RefreshTarget,
  snapshotTidings,
  type Tiding,
  type Tidings,
} from './feed.ts';
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
export { ToldTree } from './told-tree.ts';
export { type ChangeCause, diffTrees, type SnapshotChange, type TreeBefore } from './tree-diff.ts';
