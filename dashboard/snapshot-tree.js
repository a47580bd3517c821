/**
 * A domain's snapshot tree in the page: the snapshots by ID, the current one, and how the
 * tree is laid out in rows.
 *
 * The layout follows heavy paths: of a snapshot's children, the one with the largest
 * subtree continues its parent's column (on a tie, the one towards the current snapshot, else
 * the newest), and the others branch off one column to the right, drawn before it. A long chain therefore stays in one column however
 * long it is, and no path crosses more than log2(n) columns, so 5,000 snapshots need no
 * more than a dozen.
 */

/**
 * @typedef {object} SnapshotRecord one snapshot, as the page keeps it
 * @property {string} id
 * @property {string} name
 * @property {string | null} parentId
 * @property {string} state the domain's state when taken
 * @property {string} kind INACTIVE, ACTIVE or DISK_ONLY
 * @property {string} location INTERNAL or EXTERNAL
 * @property {string} creationTime ISO-8601
 * @property {string | null} description
 */

/**
 * @typedef {object} TreeRow one row of the drawn tree
 * @property {string} id the snapshot's
 * @property {number} depth its column
 * @property {boolean} branchHead the first snapshot of a branch: joined to the column left
 * @property {boolean} up a line up to the snapshot before in its column
 * @property {boolean} down a line down to its child in its column
 * @property {number} childCount
 * @property {number} hidden descendants hidden because it is collapsed
 */

/** Trees larger than this open with their side branches collapsed. */
export const LARGE_TREE = 500;

/** A snapshot of the API (with `parent { id }`) as the page keeps it. */
export function toRecord(snapshot) {
  return {
    id: snapshot.id,
    name: snapshot.name,
    parentId: snapshot.parent?.id ?? null,
    state: snapshot.state,
    kind: snapshot.kind,
    location: snapshot.location,
    creationTime: snapshot.creationTime,
    description: snapshot.description ?? null,
  };
}

/** Older first, the same time by name: the API's own order of siblings. */
function byCreation(a, b) {
  if (a.creationTime !== b.creationTime) {
    return a.creationTime < b.creationTime ? -1 : 1;
  }

  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * What the layout needs, computed once per change of the tree: each snapshot's children
 * (oldest first), subtree size and heavy child, and every snapshot in drawing order.
 */
class Shape {
  /**
   * @param {Map<string, SnapshotRecord>} snapshots
   * @param {Set<string>} path the current snapshot and its ancestors
   */
  constructor(snapshots, path) {
    /** @type {Map<string | null, string[]>} the roots under null */
    this.children = new Map([[null, []]]);
    for (const snapshot of snapshots.values()) {
      // A parent not (yet) known, e.g. while events arrive, makes a root for the moment.
      const parent = snapshot.parentId !== null && snapshots.has(snapshot.parentId);
      const key = parent ? snapshot.parentId : null;
      const list = this.children.get(key);
      if (list === undefined) {
        this.children.set(key, [snapshot.id]);
      } else {
        list.push(snapshot.id);
      }
    }

    for (const list of this.children.values()) {
      list.sort((a, b) => byCreation(snapshots.get(a), snapshots.get(b)));
    }

    this.#measure(path);
  }

  /** Subtree sizes and heavy children, without recursion: chains are thousands long. */
  #measure(path) {
    const preorder = [];
    const stack = [...(this.children.get(null) ?? [])].reverse();
    while (stack.length > 0) {
      const id = stack.pop();
      preorder.push(id);
      const kids = this.children.get(id) ?? [];
      for (let index = kids.length - 1; index >= 0; index--) {
        stack.push(kids[index]);
      }
    }

    /** @type {Map<string, number>} */
    this.size = new Map();
    /** @type {Map<string, string>} */
    this.heavy = new Map();
    for (let index = preorder.length - 1; index >= 0; index--) {
      const id = preorder[index];
      let size = 1;
      let heavy;
      let heavySize = 0;
      for (const child of this.children.get(id) ?? []) {
        const childSize = this.size.get(child) ?? 1;
        size += childSize;
        const tie = childSize === heavySize && !path.has(heavy);
        if (childSize > heavySize || tie) {
          heavy = child;
          heavySize = childSize;
        }
      }

      this.size.set(id, size);
      if (heavy !== undefined) {
        this.heavy.set(id, heavy);
      }
    }

    /** Every snapshot in the order rows draw them when nothing is collapsed. */
    this.order = [];
    for (const root of this.children.get(null) ?? []) {
      this.#walkLane(root, (id) => this.order.push(id));
    }
  }

  /** Visits a lane and its branches in drawing order: a snapshot, its branches, the rest. */
  #walkLane(head, visit) {
    let id = head;
    while (id !== undefined) {
      visit(id);
      const heavy = this.heavy.get(id);
      for (const child of this.children.get(id) ?? []) {
        if (child !== heavy) {
          this.#walkLane(child, visit);
        }
      }

      id = heavy;
    }
  }
}

/** One domain's snapshots, as the page draws them. */
export class SnapshotTree {
  /** @type {Map<string, SnapshotRecord>} */
  #snapshots = new Map();
  /** @type {Shape | undefined} */
  #shape;
  /** @type {string | null} */
  #currentId = null;

  /**
   * @param {SnapshotRecord[]} snapshots
   * @param {string | null} currentId
   */
  constructor(snapshots = [], currentId = null) {
    for (const snapshot of snapshots) {
      this.#snapshots.set(snapshot.id, snapshot);
    }

    this.#currentId = currentId;
  }

  /** The current snapshot's ID, or null. */
  get currentId() {
    return this.#currentId;
  }

  set currentId(id) {
    if (id !== this.#currentId) {
      this.#currentId = id;
      // The layout prefers the way to the current snapshot where sizes tie.
      this.#shape = undefined;
    }
  }

  get size() {
    return this.#snapshots.size;
  }

  /** @returns {SnapshotRecord | undefined} */
  get(id) {
    return this.#snapshots.get(id);
  }

  /** Adds a snapshot or replaces what the tree knew of it (its parent included). */
  upsert(snapshot) {
    this.#snapshots.set(snapshot.id, snapshot);
    this.#shape = undefined;
  }

  /**
   * Removes a snapshot. Its children move up to its parent, as libvirt moves them; the
   * events that follow a delete say where they really went.
   */
  remove(id) {
    const removed = this.#snapshots.get(id);
    if (removed === undefined) {
      return;
    }

    this.#snapshots.delete(id);
    for (const snapshot of this.#snapshots.values()) {
      if (snapshot.parentId === id) {
        this.#snapshots.set(snapshot.id, { ...snapshot, parentId: removed.parentId });
      }
    }

    if (this.currentId === id) {
      this.currentId = null;
    }

    this.#shape = undefined;
  }

  get #layoutShape() {
    this.#shape ??= new Shape(this.#snapshots, this.pathToCurrent());

    return this.#shape;
  }

  /** The children of `id` (the roots for null), oldest first. */
  children(id) {
    return this.#layoutShape.children.get(id) ?? [];
  }

  /** How many snapshots descend from `id`. */
  descendantCount(id) {
    return (this.#layoutShape.size.get(id) ?? 1) - 1;
  }

  /** The parent first, the root last. */
  ancestors(id) {
    const ancestors = [];
    let parent = this.parentOf(id);
    while (parent !== null) {
      ancestors.push(parent);
      parent = this.parentOf(parent);
    }

    return ancestors;
  }

  /** The parent the tree draws `id` under: null for a root. */
  parentOf(id) {
    const parentId = this.#snapshots.get(id)?.parentId ?? null;

    return parentId !== null && this.#snapshots.has(parentId) ? parentId : null;
  }

  /** The current snapshot and every ancestor of it: the path the page marks. */
  pathToCurrent() {
    if (this.currentId === null || !this.#snapshots.has(this.currentId)) {
      return new Set();
    }

    return new Set([this.currentId, ...this.ancestors(this.currentId)]);
  }

  /**
   * What a large tree opens with (any tree, with `always`): every side branch collapsed but
   * those that lead to the current snapshot, so the first screen shows the main lines and
   * where they fork.
   */
  defaultCollapsed(always = false) {
    const collapsed = new Set();
    if (this.size <= LARGE_TREE && !always) {
      return collapsed;
    }

    const shape = this.#layoutShape;
    const path = this.pathToCurrent();
    for (const [parent, kids] of shape.children) {
      for (const child of kids) {
        const isBranch = parent !== null && shape.heavy.get(parent) !== child;
        if (isBranch && !path.has(child) && shape.children.has(child)) {
          collapsed.add(child);
        }
      }
    }

    return collapsed;
  }

  /** Every snapshot with children, for "collapse all". */
  withChildren() {
    return [...this.#layoutShape.children.keys()].filter((id) => id !== null);
  }

  /** Opens every ancestor of `id` in `collapsed`, so that its row is drawn. */
  reveal(id, collapsed) {
    for (const ancestor of this.ancestors(id)) {
      collapsed.delete(ancestor);
    }
  }

  /**
   * The snapshots whose name contains `text` (any case), in the order rows draw them.
   *
   * @param {string} text
   */
  search(text) {
    const wanted = text.trim().toLowerCase();
    if (wanted === '') {
      return [];
    }

    return this.#layoutShape.order.filter((id) =>
      this.#snapshots.get(id)?.name.toLowerCase().includes(wanted),
    );
  }

  /**
   * The rows to draw, with the descendants of every snapshot in `collapsed` left out.
   *
   * @param {Set<string>} collapsed
   * @returns {TreeRow[]}
   */
  layout(collapsed) {
    const shape = this.#layoutShape;
    const rows = [];
    const lane = (head, depth) => {
      let id = head;
      let first = true;
      while (id !== undefined) {
        const kids = shape.children.get(id) ?? [];
        const folded = kids.length > 0 && collapsed.has(id);
        rows.push({
          id,
          depth,
          branchHead: first && depth > 0,
          up: !first,
          down: kids.length > 0 && !folded,
          childCount: kids.length,
          hidden: folded ? (shape.size.get(id) ?? 1) - 1 : 0,
        });
        if (folded) {
          return;
        }

        const heavy = shape.heavy.get(id);
        for (const child of kids) {
          if (child !== heavy) {
            lane(child, depth + 1);
          }
        }

        id = heavy;
        first = false;
      }
    };

    for (const root of shape.children.get(null) ?? []) {
      lane(root, 0);
    }

    return rows;
  }
}
