import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import { snapshotPrint } from '../hosts/tree-version.ts';
import type { TreeBefore } from './tree-diff.ts';

/** One snapshot as told: its name, its parent's and its print (snapshotPrint). */
type ToldSnapshot = [name: string, parent: string | null, print: string];

interface ToldText {
  current: string | null;
  snapshots: ToldSnapshot[];
}

/**
 * A domain's tree as subscribers were last told of it, in the form replicas share in Redis:
 * each snapshot's name, parent and print, parents first, and the current one. What a replica
 * that takes over watching compares libvirt with, so that it sends what nobody has told yet,
 * and nothing twice.
 */
export class ToldTree implements TreeBefore {
  readonly current: string | null;
  readonly #snapshots: ToldSnapshot[];
  readonly #byName: Map<string, ToldSnapshot>;

  private constructor(text: ToldText) {
    this.current = text.current;
    this.#snapshots = text.snapshots;
    this.#byName = new Map(text.snapshots.map((snapshot) => [snapshot[0], snapshot]));
  }

  static of(tree: SnapshotTree): ToldTree {
    const snapshots = tree
      .topological()
      .map(
        (document): ToldSnapshot => [
          document.name,
          tree.parentOf(document.name),
          snapshotPrint(document),
        ],
      );

    return new ToldTree({ current: tree.current, snapshots });
  }

  /** The tree `serialize` wrote; null when `text` is not one. */
  static parse(text: string): ToldTree | null {
    try {
      const parsed = JSON.parse(text) as ToldText;
      if (!Array.isArray(parsed.snapshots)) {
        return null;
      }

      return new ToldTree(parsed);
    } catch {
      return null;
    }
  }

  serialize(): string {
    return JSON.stringify({ current: this.current, snapshots: this.#snapshots });
  }

  get size(): number {
    return this.#snapshots.length;
  }

  topologicalNames(): string[] {
    return this.#snapshots.map(([name]) => name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  parentOf(name: string): string | null {
    return this.#byName.get(name)?.[1] ?? null;
  }

  keeps(name: string, after: SnapshotTree): boolean {
    const told = this.#byName.get(name);
    const document = after.get(name);

    return told !== undefined && document !== undefined && told[2] === snapshotPrint(document);
  }
}
