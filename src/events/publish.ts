import type { Events } from './events.ts';
import type { EventOrigin } from './snapshot-event.ts';
import type { SnapshotChange } from './tree-diff.ts';

/** The domain a change belongs to, as events name it. */
export interface ChangedDomain {
  hostName: string;
  uuid: string;
  name: string;
}

/** Appends one event per change to the snapshot log. */
export function publishSnapshotChanges(
  events: Events,
  domain: ChangedDomain,
  changes: SnapshotChange[],
  origin: EventOrigin,
): void {
  const occurredAt = new Date();
  for (const change of changes) {
    events.snapshots.append({
      type: change.type,
      origin,
      occurredAt,
      hostName: domain.hostName,
      domainUuid: domain.uuid,
      domainName: domain.name,
      snapshotName: change.snapshotName,
    });
  }
}
