import type { DomainRecord } from '../hosts/host.ts';
import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import type { SnapshotDocument } from '../hosts/snapshot-xml.ts';

/** A snapshot as resolvers pass it on: its domain and its parsed XML. */
export interface SnapshotRecord {
  domain: DomainRecord;
  document: SnapshotDocument;
  /** Same as document.name; lets pagination read every record alike. */
  name: string;
  /**
   * The operation's tree the snapshot was found in, when the resolver that found it had it:
   * its fields (parent, isCurrent) then answer without waiting, which for a list of
   * thousands of snapshots saves a promise a field.
   */
  tree?: SnapshotTree;
}

export function snapshotRecord(
  domain: DomainRecord,
  document: SnapshotDocument,
  tree?: SnapshotTree,
): SnapshotRecord {
  return tree === undefined
    ? { domain, document, name: document.name }
    : { domain, document, name: document.name, tree };
}
