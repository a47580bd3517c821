import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import type { SnapshotEventType } from './snapshot-event.ts';

/** What made a tree change: one of the server's mutations, or something outside it. */
export type ChangeCause =
  | { kind: 'create' }
  | { kind: 'redefine'; name: string; existed: boolean }
  | { kind: 'revert'; name: string }
  | { kind: 'delete' }
  | { kind: 'external' };

/**
 * What diffTrees reads of the tree before the change: a SnapshotTree, or the tree replicas
 * share as the one last told (ToldTree).
 */
export interface TreeBefore {
  readonly current: string | null;
  /** Every snapshot's name, each parent before its children. */
  topologicalNames(): string[];
  has(name: string): boolean;
  parentOf(name: string): string | null;
  /** Whether `after` holds the same version of the snapshot `name`. */
  keeps(name: string, after: SnapshotTree): boolean;
}

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
 * gets no event of its own.
 */
export function diffTrees(
  before: TreeBefore,
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
  for (const name of before.topologicalNames()) {
    if (!after.has(name)) {
      note(name, 'DELETED');
      deleted += 1;
    }
  }

  for (const { name } of after.topological()) {
    if (!before.has(name)) {
      note(name, 'CREATED');
    } else if (!before.keeps(name, after) || before.parentOf(name) !== after.parentOf(name)) {
      note(name, 'UPDATED');
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
