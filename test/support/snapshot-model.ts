import type { DeleteScope } from '../generated/schema-types.ts';

/**
 * A domain's snapshot tree as a test compares it: the model's prediction, the server's view
 * and libvirt's own listing all take this shape, with keys sorted, so that `toEqual` shows
 * exactly what differs.
 */
export interface TreeView {
  /** The current snapshot's name; null when there is none. */
  current: string | null;
  /** Every snapshot's parent by snapshot name; null for a root. */
  parents: Record<string, string | null>;
  /** Every snapshot's description by snapshot name; null when it has none. */
  descriptions: Record<string, string | null>;
}

/** One change of a domain's snapshots, with every name resolved. */
export type SnapshotAction =
  | { kind: 'create'; name: string; description: string | null }
  | { kind: 'revert'; name: string }
  | { kind: 'delete'; name: string; scope: DeleteScope }
  | {
      kind: 'redefine';
      name: string;
      /** The parent the redefining document names. */
      parent: string | null;
      description: string | null;
      /** CREATE_CURRENT. */
      current: boolean;
    };

/** What the server answers to an action: what it deleted, or the error it refused it with. */
export type ActionOutcome =
  | { ok: true; deleted: string[] }
  | { ok: false; code: string; reason: string | null };

interface ModelSnapshot {
  parent: string | null;
  description: string | null;
}

/** Orders snapshot names as the model lists them: by UTF-16 code unit, as `<` compares. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedRecord<T>(entries: Array<[string, T]>): Record<string, T> {
  return Object.fromEntries(entries.sort(([a], [b]) => byName(a, b)));
}

const ok = (deleted: string[] = []): ActionOutcome => ({ ok: true, deleted });
const refused = (code: string, reason: string | null = null): ActionOutcome => ({
  ok: false,
  code,
  reason,
});

/**
 * One domain's snapshot tree as libvirt keeps it, by libvirt's rules (the test driver and
 * QEMU 9.0 agree on every one of them):
 *
 * - a create makes a child of the current snapshot (a root when there is none) and makes it
 *   current;
 * - a revert makes its target current;
 * - a delete of one snapshot moves its children up to its parent; a delete with descendants
 *   removes the subtree; a delete of the descendants only keeps the target. When the current
 *   snapshot goes, the target becomes current if it stays (descendants only), else the
 *   target's parent, or none for a root;
 * - a redefinition of an existing snapshot replaces its description and parent and keeps the
 *   current snapshot, unless CREATE_CURRENT makes the redefined one current; a redefinition of
 *   a missing snapshot creates it under the parent its document names.
 */
export class SnapshotTreeModel {
  readonly #snapshots = new Map<string, ModelSnapshot>();
  #current: string | null = null;

  get current(): string | null {
    return this.#current;
  }

  /** The snapshots' names in code-point order, so that an index picks the same one each run. */
  names(): string[] {
    return [...this.#snapshots.keys()].sort(byName);
  }

  has(name: string): boolean {
    return this.#snapshots.has(name);
  }

  /** The parent of the snapshot `name`; null for a root. */
  parentOf(name: string): string | null {
    return this.#snapshots.get(name)?.parent ?? null;
  }

  /** A model of its own with the same tree, to try an action on. */
  clone(): SnapshotTreeModel {
    const copy = new SnapshotTreeModel();
    for (const [name, snapshot] of this.#snapshots) {
      copy.#snapshots.set(name, { ...snapshot });
    }
    copy.#current = this.#current;

    return copy;
  }

  /** Applies `action` as libvirt and the server would, and returns what they would answer. */
  apply(action: SnapshotAction): ActionOutcome {
    switch (action.kind) {
      case 'create':
        return this.#create(action.name, action.description);
      case 'revert':
        return this.#revert(action.name);
      case 'delete':
        return this.#delete(action.name, action.scope);
      case 'redefine':
        return this.#redefine(action);
      default:
        return assertNever(action);
    }
  }

  view(): TreeView {
    const entries = [...this.#snapshots];

    return {
      current: this.#current,
      parents: sortedRecord(entries.map(([name, { parent }]) => [name, parent])),
      descriptions: sortedRecord(entries.map(([name, { description }]) => [name, description])),
    };
  }

  #children(name: string): string[] {
    return [...this.#snapshots]
      .filter(([, snapshot]) => snapshot.parent === name)
      .map(([child]) => child);
  }

  #descendants(name: string): string[] {
    return this.#children(name).flatMap((child) => [child, ...this.#descendants(child)]);
  }

  #create(name: string, description: string | null): ActionOutcome {
    // The server checks names before libvirt, which reports a duplicate as OPERATION_FAILED.
    if (this.#snapshots.has(name)) {
      return refused('CONFLICT', 'NAME_TAKEN');
    }

    this.#snapshots.set(name, { parent: this.#current, description });
    this.#current = name;

    return ok();
  }

  #revert(name: string): ActionOutcome {
    if (!this.#snapshots.has(name)) {
      return refused('NOT_FOUND');
    }

    this.#current = name;

    return ok();
  }

  #delete(name: string, scope: DeleteScope): ActionOutcome {
    const target = this.#snapshots.get(name);
    if (target === undefined) {
      return refused('NOT_FOUND');
    }

    const descendants = this.#descendants(name);
    const doomed = scope === 'SNAPSHOT' ? [name] : descendants;
    if (scope === 'SNAPSHOT_AND_DESCENDANTS') {
      doomed.push(name);
    }

    if (scope === 'SNAPSHOT') {
      for (const child of this.#children(name)) {
        (this.#snapshots.get(child) as ModelSnapshot).parent = target.parent;
      }
    }

    if (this.#current !== null && doomed.includes(this.#current)) {
      this.#current = scope === 'DESCENDANTS_ONLY' ? name : target.parent;
    }

    for (const doomedName of doomed) {
      this.#snapshots.delete(doomedName);
    }

    return ok(doomed.sort(byName));
  }

  #redefine(action: Extract<SnapshotAction, { kind: 'redefine' }>): ActionOutcome {
    const { name, parent } = action;
    // libvirt's INVALID_ARG: a parent it does not have, or one that would close a cycle.
    if (parent !== null && (!this.#snapshots.has(parent) || this.#inSubtree(parent, name))) {
      return refused('BAD_USER_INPUT');
    }

    this.#snapshots.set(name, { parent, description: action.description });
    if (action.current) {
      this.#current = name;
    }

    return ok();
  }

  // Whether `name` is `root` or one of its descendants.
  #inSubtree(name: string, root: string): boolean {
    for (let at: string | null = name; at !== null; at = this.parentOf(at)) {
      if (at === root) {
        return true;
      }
    }

    return false;
  }
}

/**
 * A tree in one line, for failure messages: `a{b*, c{d}}` is a root a with children b and c,
 * d under c, and b current.
 */
export function drawTree(view: TreeView): string {
  const children = (parent: string | null) =>
    Object.keys(view.parents)
      .filter((name) => view.parents[name] === parent)
      .sort(byName);
  const draw = (name: string): string => {
    const below = children(name);
    const mark = name === view.current ? '*' : '';

    return `${JSON.stringify(name)}${mark}${below.length === 0 ? '' : `{${below.map(draw).join(', ')}}`}`;
  };
  const roots = children(null);

  return roots.length === 0 ? '(none)' : roots.map(draw).join(', ');
}

function assertNever(value: never): never {
  throw new Error(`unexpected action ${JSON.stringify(value)}`);
}
