import type { DomainRecord } from '../hosts/host.ts';
import type { SnapshotDocument } from '../hosts/snapshot-xml.ts';

/** A snapshot as resolvers pass it on: its domain and its parsed XML. */
export interface SnapshotRecord {
  domain: DomainRecord;
  document: SnapshotDocument;
  /** Same as document.name; lets pagination read every record alike. */
  name: string;
}

export function snapshotRecord(domain: DomainRecord, document: SnapshotDocument): SnapshotRecord {
  return { domain, document, name: document.name };
}
