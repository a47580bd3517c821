import type { Logger } from 'pino';
import type { Host } from '../hosts/host.ts';
import type { Hosts } from '../hosts/hosts.ts';
import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import type { Metrics } from '../server/metrics.ts';

/** Who the caller is (API.md, Access). */
export type RoleName = 'VIEWER' | 'OPERATOR';

/** What every resolver gets: the hosts, the caller, and the operation's own tree cache. */
export interface Context {
  hosts: Hosts;
  role: RoleName;
  tokenName: string | null;
  /** Where mutations are logged, with who made them and their outcome. */
  logger: Logger;
  /** The largest page a connection returns (API.md: 10,000 by default). */
  pageSizeCap: number;
  /** The snapshot trees this operation has read, so each domain is listed once. */
  trees: TreeCache;
  /** Hosts a field across every host had to leave out; each becomes an error of the answer. */
  leftOut: LeftOutHost[];
  /** Where each mutation's outcome is counted (`/metrics`). */
  metrics: Metrics;
  /**
   * Resolves when the operation may build a large answer (a page of hundreds of snapshots):
   * the server builds one per turn of its event loop.
   */
  takeTurn: () => Promise<void>;
}

/** A host whose part of an answer is missing, and the field it is missing from. */
export interface LeftOutHost {
  host: string;
  /** Why: `not connected`, or libvirt's error. */
  reason: string;
  /** The field's response path, as `errors[].path` gives it. */
  path: Array<string | number>;
}

/** The snapshot trees one GraphQL operation has read, per host and domain. */
export class TreeCache {
  readonly #trees = new Map<string, Promise<SnapshotTree>>();

  /** The domain's tree as the host has it for queries, fetched once per operation. */
  get(host: Host, uuid: string): Promise<SnapshotTree> {
    const key = `${host.name}\u0000${uuid}`;
    let tree = this.#trees.get(key);
    if (tree === undefined) {
      tree = host.queryTree(uuid);
      tree.catch(() => this.#trees.delete(key));
      this.#trees.set(key, tree);
    }

    return tree;
  }

  /** Forgets every tree: a subscription reads each of its events against libvirt afresh. */
  clear(): void {
    this.#trees.clear();
  }

  /** Forgets the domain's tree, after a mutation changed it. */
  forget(host: Host, uuid: string): void {
    this.#trees.delete(`${host.name}\u0000${uuid}`);
  }
}
