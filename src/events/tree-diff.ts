import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import type { SnapshotEventType } from './snapshot-event.ts';

/** What made a tree change: one of the server's mutations, or something outside it. */
export type ChangeCause =
  | { kind: 'create' }
  | { kind: 'redefine'; name: string; existed: boolean }
  | { kind: 'revert'; name: string }
  | { kind: 'delete' }
  | { kind: 'external' };

/** One event's worth of change to one snapshot. */
export interface SnapshotChange {
  type: SnapshotEventType;
  snapshotName: string;
}

// When one snapshot changed in several ways at once, it still gets one event: the one that
// says the most.
const priority: Record<SnapshotEventType, number> = {
  CREATED: 3,
  DELETED: 3,
  REVERTED: 2,
  UPDATED: 1,
};

/**
 * The events that take a domain's snapshots from `before` to `after` (API.md,
 * Subscriptions): CREATED for new snapshots, DELETED for gone ones, UPDATED for one
 * redefined or re-parented, and for the snapshot that becomes current, REVERTED after a
 * revert and UPDATED after a delete or redefinition. The snapshot that stops being current
 * gets no event of its own. Relies on the host's parse cache: a snapshot whose XML did not
 * change keeps the same parsed document.
 */
export function diffTrees(
  before: SnapshotTree,
  after: SnapshotTree,
  cause: ChangeCause,
): SnapshotChange[] {
  const changes = new Map<string, SnapshotEventType>();
  const note = (name: string, type: SnapshotEventType) => {
    const known = changes.get(name);
    if (known === undefined || priority[type] > priority[known]) {
      changes.set(name, type);
    }
  };

  let deleted = 0;
  for (const document of before.topological()) {
    if (!after.has(document.name)) {
      note(document.name, 'DELETED');
      deleted += 1;
    }
  }

  for (const document of after.topological()) {
    const previous = before.get(document.name);
    if (previous === undefined) {
      note(document.name, 'CREATED');
    } else if (
      previous !== document ||
      before.parentOf(document.name) !== after.parentOf(document.name)
    ) {
      note(document.name, 'UPDATED');
    }
  }

  if (cause.kind === 'revert' && after.has(cause.name)) {
    note(cause.name, 'REVERTED');
  } else if (cause.kind === 'redefine' && after.has(cause.name)) {
    note(cause.name, cause.existed ? 'UPDATED' : 'CREATED');
  } else if (after.current !== null && after.current !== before.current) {
    // Made current without a revert of ours: by a delete (of the current one) or a
    // redefinition, or elsewhere, where a change of current alone is a revert.
    const externalRevert = cause.kind === 'external' && deleted === 0;
    note(after.current, externalRevert ? 'REVERTED' : 'UPDATED');
  }

  return [...changes].map(([snapshotName, type]) => ({ type, snapshotName }));
}
