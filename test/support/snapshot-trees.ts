import type { FixtureSnapshot } from './test-driver.ts';

/** Compares names by Unicode code points, as the contract's tie-break asks. */
export function byCodePoints(a: string, b: string): number {
  const left = [...a].map((character) => character.codePointAt(0) ?? 0);
  const right = [...b].map((character) => character.codePointAt(0) ?? 0);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }

  return left.length - right.length;
}

/** Older first; the same creation time by name. */
export function byCreation(a: FixtureSnapshot, b: FixtureSnapshot): number {
  return (a.creationTime ?? 0) - (b.creationTime ?? 0) || byCodePoints(a.name, b.name);
}

/**
 * A deterministic tree of `count` snapshots `s000`, `s001`, ... with `roots` roots: most
 * snapshots continue the chain of the one before, the others branch off an earlier one. About
 * two snapshots share each creation time, so that the orders need their tie-break, and a
 * parent may be younger than its child. The last one is current.
 */
export function branchingTree(count: number, roots = 3): FixtureSnapshot[] {
  const width = String(count - 1).length;
  const name = (index: number) => `s${String(index).padStart(Math.max(width, 3), '0')}`;
  let seed = 20_261_203;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;

    return seed / 2 ** 31;
  };

  return Array.from({ length: count }, (_, index) => {
    let parent: string | undefined;
    if (index >= roots) {
      parent = name(random() < 0.6 ? index - 1 : Math.floor(random() * index));
    }

    return {
      name: name(index),
      parent,
      // Out of the names' order on purpose, and each time about twice.
      creationTime: 1_700_000_000 + ((index * 7) % Math.ceil(count / 2)),
      current: index === count - 1,
    };
  });
}

/** What the tests expect of a fixture: the tree and the orders, computed independently. */
export class ExpectedTree {
  readonly snapshots: FixtureSnapshot[];
  readonly #byName: Map<string, FixtureSnapshot>;

  constructor(snapshots: FixtureSnapshot[]) {
    this.snapshots = snapshots;
    this.#byName = new Map(snapshots.map((snapshot) => [snapshot.name, snapshot]));
  }

  get(name: string): FixtureSnapshot {
    const snapshot = this.#byName.get(name);
    if (snapshot === undefined) {
      throw new Error(`the fixture has no snapshot ${name}`);
    }

    return snapshot;
  }

  /** The children of `name` (the roots for null), oldest first. */
  children(name: string | null): string[] {
    return this.snapshots
      .filter((snapshot) => (snapshot.parent ?? null) === name)
      .sort(byCreation)
      .map((snapshot) => snapshot.name);
  }

  /** Every descendant of `name` (every snapshot for null), each parent before its children. */
  topological(name: string | null = null): string[] {
    return this.children(name).flatMap((child) => [child, ...this.topological(child)]);
  }

  /** The parent first, the root last. */
  ancestors(name: string): string[] {
    const parent = this.get(name).parent;

    return parent === undefined ? [] : [parent, ...this.ancestors(parent)];
  }

  isLeaf(name: string): boolean {
    return this.children(name).length === 0;
  }

  /** `names` in one of the SnapshotOrders. */
  sorted(names: string[], order: 'TOPOLOGICAL' | 'NAME' | 'CREATION_TIME'): string[] {
    switch (order) {
      case 'TOPOLOGICAL': {
        const wanted = new Set(names);

        return this.topological().filter((name) => wanted.has(name));
      }
      case 'NAME':
        return [...names].sort(byCodePoints);
      case 'CREATION_TIME':
        return names
          .map((name) => this.get(name))
          .sort(byCreation)
          .map((s) => s.name);
    }
  }
}
