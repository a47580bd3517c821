import type { SnapshotDocument } from './snapshot-xml.ts';

/** The orders a list of snapshots can come in (API.md, SnapshotOrder). */
export type SnapshotOrderName = 'TOPOLOGICAL' | 'NAME' | 'CREATION_TIME';

/** Compares strings by code points, as the contract's tie-break asks (not UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const difference = (left[index]?.codePointAt(0) ?? 0) - (right[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }

  return left.length - right.length;
}

/** Older first; the same second is broken by name. */
export function compareByCreation(a: SnapshotDocument, b: SnapshotDocument): number {
  return a.creationTime.getTime() - b.creationTime.getTime() || compareCodePoints(a.name, b.name);
}

/**
 * A domain's snapshot tree as one object: every snapshot's parsed XML, who is whose parent
 * and which one is current. Built from one listing; queries read it, mutations replace it.
 */
export class SnapshotTree {
  /** The current snapshot's name, or null. */
  readonly current: string | null;
  readonly #byName = new Map<string, SnapshotDocument>();
  readonly #children = new Map<string | null, SnapshotDocument[]>();
  // Each snapshot's parent as the tree knows it; a root has none.
  readonly #parents = new Map<string, SnapshotDocument>();
  #topological: SnapshotDocument[] | undefined;

  constructor(documents: Iterable<SnapshotDocument>, current: string | null) {
    this.current = current;
    for (const document of documents) {
      this.#byName.set(document.name, document);
    }

    for (const document of this.#byName.values()) {
      // A parent libvirt no longer lists would make the child unreachable: treat it as a root.
      const parentDocument =
        document.parent === null ? undefined : this.#byName.get(document.parent);
      if (parentDocument !== undefined) {
        this.#parents.set(document.name, parentDocument);
      }

      const parent = parentDocument?.name ?? null;
      const siblings = this.#children.get(parent) ?? [];
      siblings.push(document);
      this.#children.set(parent, siblings);
    }

    for (const siblings of this.#children.values()) {
      siblings.sort(compareByCreation);
    }
  }

  get size(): number {
    return this.#byName.size;
  }

  get(name: string): SnapshotDocument | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** The names of every snapshot, in no order. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** The parent's name as the tree knows it: null for a root. */
  parentOf(name: string): string | null {
    return this.#parents.get(name)?.name ?? null;
  }

  /** The parent's document as the tree knows it: undefined for a root. */
  parent(name: string): SnapshotDocument | undefined {
    return this.#parents.get(name);
  }

  roots(): SnapshotDocument[] {
    return this.#children.get(null) ?? [];
  }

  children(name: string): SnapshotDocument[] {
    return this.#children.get(name) ?? [];
  }

  /** Every descendant of `name`, each parent before its children. */
  descendants(name: string): SnapshotDocument[] {
    const result: SnapshotDocument[] = [];
    this.#walk(this.children(name), result);

    return result;
  }

  /** The parent first, the root last. */
  ancestors(name: string): SnapshotDocument[] {
    const result: SnapshotDocument[] = [];
    const seen = new Set<string>([name]);
    let parent = this.parentOf(name);
    while (parent !== null && !seen.has(parent)) {
      seen.add(parent);
      const document = this.#byName.get(parent);
      if (document === undefined) {
        break;
      }

      result.push(document);
      parent = this.parentOf(parent);
    }

    return result;
  }

  /** Every snapshot, each parent before its children, siblings oldest first. */
  topological(): SnapshotDocument[] {
    if (this.#topological === undefined) {
      const result: SnapshotDocument[] = [];
      this.#walk(this.roots(), result);
      this.#topological = result;
    }

    return this.#topological;
  }

  /** Every snapshot's name, each parent before its children. */
  topologicalNames(): string[] {
    return this.topological().map((document) => document.name);
  }

  /**
   * Whether `after` holds the same version of the snapshot `name` as this tree: the host's
   * parse cache gives a snapshot whose XML did not change the same document.
   */
  keeps(name: string, after: SnapshotTree): boolean {
    const document = this.#byName.get(name);

    return document !== undefined && document === after.get(name);
  }

  /** `documents` in `order`; ties broken by creation time, then by name. */
  sort(documents: SnapshotDocument[], order: SnapshotOrderName): SnapshotDocument[] {
    switch (order) {
      case 'TOPOLOGICAL': {
        if (documents === this.#topological) {
          return documents;
        }

        const wanted = new Set(documents.map((document) => document.name));

        return this.topological().filter((document) => wanted.has(document.name));
      }
      case 'NAME':
        return [...documents].sort((a, b) => compareCodePoints(a.name, b.name));
      case 'CREATION_TIME':
        return [...documents].sort(compareByCreation);
      default:
        return assertNever(order);
    }
  }

  #walk(level: SnapshotDocument[], into: SnapshotDocument[]): void {
    // Iterative, so that a chain of thousands of snapshots does not exhaust the stack.
    const stack = [...level].reverse();
    while (stack.length > 0) {
      const document = stack.pop() as SnapshotDocument;
      into.push(document);
      const children = this.children(document.name);
      for (let index = children.length - 1; index >= 0; index--) {
        stack.push(children[index] as SnapshotDocument);
      }
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
