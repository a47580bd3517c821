/** The libvirt binding: the only way into libvirt for the rest of the server. */
export { BindingClosedError, type CallObserver } from './call-pool.ts';
export type {
  DomainInfo,
  DomainStateInfo,
  SnapshotCall,
  SnapshotListing,
} from './calls.ts';
export { type CloseListener, Connection, type LifecycleListener } from './connection.ts';
export { within } from './deadline.ts';
export { Domain } from './domain.ts';
export type { DomainJobInfo, DomainJobStats } from './domain-job.ts';
export { DomainSnapshot } from './domain-snapshot.ts';
export * from './flags.ts';
export { HandleFreedError } from './handle.ts';
export { Libvirt, type LibvirtOptions, type OpenOptions } from './libvirt.ts';
export {
  ErrorDomain,
  ErrorNumber,
  LibvirtError,
  type LibvirtErrorDetails,
} from './libvirt-error.ts';
export type { TypedValue } from './typed-parameters.ts';
export { formatVersion } from './version.ts';
