import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { HostConfig } from '../config.ts';
import type { KeepAliveConfig } from '../config-file.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import type { ChangeFeed } from '../events/index.ts';
import {
  type Connection,
  type Domain,
  type DomainInfo,
  type DomainJobInfo,
  type DomainStateName,
  domainStateName,
  ErrorNumber,
  formatVersion,
  HandleFreedError,
  type Libvirt,
  LibvirtError,
  SnapshotListFlags,
  SnapshotXMLFlags,
} from '../ffi/index.ts';
import { translateLibvirtErrors } from './libvirt-errors.ts';
import { isFiltering, listFlags, type SnapshotFilter } from './snapshot-flags.ts';
import { JOB_DEFAULTS, type JobOptions } from './snapshot-jobs.ts';
import { SnapshotTree } from './snapshot-tree.ts';
import { parseSnapshotXml, type SnapshotDocument } from './snapshot-xml.ts';
import { treeVersion } from './tree-version.ts';

const INITIAL_BACKOFF_MS = 1000;
// How many of each domain's recent tree versions are kept to say what changed since one.
const KEPT_VERSIONS = 32;
const MAX_BACKOFF_MS = 30_000;

/**
 * How a query found its domain's tree: `hit`, the kept tree; `looked`, after the watcher
 * looked at libvirt because the glance differed; `read`, read whole (not kept yet).
 */
export type TreeLookup = 'hit' | 'looked' | 'read';

// Keep-alive unless the host's settings say otherwise: every 5 s, closed after 3 unanswered.
const DEFAULT_KEEP_ALIVE: KeepAliveConfig = { interval: 5, count: 3 };

/** A domain as the graph shows it. */
export interface DomainRecord {
  host: Host;
  uuid: string;
  name: string;
  state: DomainStateName;
  persistent: boolean;
}

/**
 * One libvirt host: its connection, its domains' snapshot trees and the per-domain mutation
 * lock. The only way the graph reaches libvirt.
 */
export class Host {
  readonly name: string;
  readonly uri: string;
  readonly readOnly: boolean;
  /** How its snapshot jobs are followed: the poll interval and the timeout. */
  readonly jobOptions: JobOptions;
  readonly #libvirt: Libvirt;
  readonly #logger: Logger;
  #connection: Connection | undefined;
  #libvirtVersion = '';
  #hypervisor = '';
  readonly #keepAlive: KeepAliveConfig | null;
  readonly #domains = new Map<string, Domain>();
  readonly #busy = new Set<string>();
  // The watcher's look a query asks for (setLookNow), and who counts how queries found
  // their trees (observeTreeLookups).
  #lookNow: (() => Promise<void>) | undefined;
  #treeLookups: ((result: TreeLookup) => void) | undefined;
  // What the watcher and the mutations last saw of each domain's snapshots, and a count of
  // the mutations that have started on it, so that the watcher can tell its own reading was
  // overtaken by one.
  readonly #known = new Map<string, SnapshotTree>();
  // Known trees that stand for a domain not read yet (rememberAsNew).
  readonly #provisional = new WeakSet<SnapshotTree>();
  readonly #versions = new Map<string, Map<string, SnapshotTree>>();
  readonly #generations = new Map<string, number>();
  // Domains whose change this process saw but could not tell (replicas): compared in full
  // with what was told at the next look.
  readonly #unsettled = new Set<string>();
  // Each domain's lifecycle registration (undefined while it is being made).
  readonly #lifecycle = new Map<string, (() => Promise<void>) | undefined>();
  #lifecycleListener: ((uuid: string | null, event: number) => void) | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #backoffMs = INITIAL_BACKOFF_MS;
  #closed = false;
  // Parsed XML per domain, keyed by a digest of the XML text (xmlKey): a snapshot is parsed
  // once per version, and the text itself, kilobytes with the domain's definition, is not kept.
  readonly #parsed = new Map<string, Map<string, SnapshotDocument>>();

  /** Where the host's changes are told: this process's event logs, or every replica's. */
  readonly feed: ChangeFeed;

  constructor(
    libvirt: Libvirt,
    config: HostConfig,
    logger: Logger,
    feed: ChangeFeed,
    jobOptions: JobOptions = JOB_DEFAULTS,
  ) {
    this.#libvirt = libvirt;
    this.feed = feed;
    this.jobOptions = jobOptions;
    this.name = config.name;
    this.uri = config.uri;
    this.readOnly = config.readOnly;
    // The test driver in this process answers no probes.
    const keepAlive = this.#remote ? DEFAULT_KEEP_ALIVE : null;
    this.#keepAlive = config.keepAlive === undefined ? keepAlive : config.keepAlive;
    this.#logger = logger.child({ host: config.name });
  }

  /** The host's logger: what is logged of it says which host. */
  get logger(): Logger {
    return this.#logger;
  }

  /** Opens the connection; a host that cannot be reached stays listed, not connected. */
  async connect(): Promise<void> {
    try {
      const connection = await this.#libvirt.open(this.uri, { readOnly: this.readOnly });
      this.#hypervisor = await connection.type();
      this.#libvirtVersion = formatVersion(await connection.libVersion());
      await connection.onClose((reason) => void this.#lost(connection, reason));
      const keepAlive = this.#keepAlive;
      if (keepAlive !== null) {
        // A daemon that dies, or a network that drops, is noticed: libvirt closes the
        // connection after `count` unanswered probes (count 0: at once).
        await connection.setKeepAlive(keepAlive.interval, keepAlive.count).catch(() => false);
      }

      this.#connection = connection;
      this.#backoffMs = INITIAL_BACKOFF_MS;
      await connection.onDomainLifecycle(null, (event) => this.#lifecycleListener?.(null, event));
      this.#logger.info({ uri: this.uri, hypervisor: this.#hypervisor }, 'connected');
    } catch (error) {
      this.#logger.error({ err: error, uri: this.uri }, 'could not connect');
      this.#scheduleReconnect();
    }
  }

  /** Where lifecycle events go: the domain's UUID, or null for a connection-wide one. */
  setLifecycleListener(listener: (uuid: string | null, event: number) => void): void {
    this.#lifecycleListener = listener;
  }

  /** Registers for the lifecycle events of the domain, once. */
  async watchLifecycle(uuid: string): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined || this.#lifecycle.has(uuid)) {
      return;
    }

    this.#lifecycle.set(uuid, undefined);
    try {
      const off = await this.#onDomain(uuid, (domain) =>
        connection.onDomainLifecycle(domain, (event) => this.#lifecycleListener?.(uuid, event)),
      );
      this.#lifecycle.set(uuid, off);
    } catch (error) {
      this.#lifecycle.delete(uuid);
      throw error;
    }
  }

  // libvirt closed the connection (daemon gone, keep-alive timed out): drop what belonged to
  // it and try again with a growing pause.
  async #lost(connection: Connection, reason: number): Promise<void> {
    if (this.#connection !== connection) {
      return;
    }

    this.#logger.warn({ reason }, 'libvirt closed the connection; reconnecting');
    this.#connection = undefined;
    await this.#dropConnection(connection);
    this.#scheduleReconnect();
  }

  async #dropConnection(connection: Connection): Promise<void> {
    this.#lifecycle.clear();
    const domains = [...this.#domains.values()];
    this.#domains.clear();
    await Promise.allSettled(domains.map((domain) => domain.free()));
    await connection.close().catch(() => undefined);
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer !== undefined) {
      return;
    }

    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  get connected(): boolean {
    return this.#connection !== undefined;
  }

  /** libvirt's version, "9.0.0"; empty until connected. */
  get libvirtVersion(): string {
    return this.#libvirtVersion;
  }

  /** virConnectGetType as is: "QEMU", "TEST"; empty until connected. */
  get hypervisor(): string {
    return this.#hypervisor;
  }

  /** Every domain of the host. */
  async domains(): Promise<DomainRecord[]> {
    const infos = await this.#call(() => this.#connected().domainInfos());

    return infos.map((info) => this.#record(info));
  }

  /** The domain called `name`, or null. */
  async domainByName(name: string): Promise<DomainRecord | null> {
    // One round trip for a domain the host has a handle of, as it mostly has.
    const info = await this.#call(() =>
      this.#missingAsNull(() => this.#connected().domainInfoByName(name)),
    );
    if (info === null) {
      return null;
    }

    if (this.#domains.has(info.uuid)) {
      return this.#record(info);
    }

    return this.#lookup(() => this.#connected().lookupDomainByUUID(info.uuid));
  }

  /** The domain with `uuid`, or null. */
  async domainByUuid(uuid: string): Promise<DomainRecord | null> {
    const cached = this.#domains.get(uuid);
    if (cached !== undefined) {
      const info = await this.#missingAsNull(() => cached.info());
      if (info !== null) {
        return this.#record(info);
      }
    }

    return this.#lookup(() => this.#connected().lookupDomainByUUID(uuid));
  }

  /** The domain's snapshot tree, read fresh from libvirt: one listing, one XML per snapshot. */
  async snapshotTree(uuid: string): Promise<SnapshotTree> {
    const listing = await this.#onDomain(uuid, (domain) => domain.snapshotListing());
    const previous = this.#parsed.get(uuid) ?? new Map<string, SnapshotDocument>();
    const parsed = new Map<string, SnapshotDocument>();
    for (const { xml } of listing.snapshots) {
      const key = xmlKey(xml);
      parsed.set(key, previous.get(key) ?? parseSnapshotXml(xml));
    }

    this.#parsed.set(uuid, parsed);

    return new SnapshotTree(parsed.values(), listing.current);
  }

  /**
   * The domain's tree from `known` and a fresh summary (names and current snapshot): the XML
   * is read only for new snapshots and for the children of deleted ones, which may have
   * moved to another parent. A sweep (snapshotTree) catches what this cannot: a snapshot
   * redefined elsewhere under the same name.
   */
  async refreshTree(
    uuid: string,
    known: SnapshotTree,
    summary: { names: string[]; current: string | null },
  ): Promise<SnapshotTree> {
    const present = new Set(summary.names);
    const gone = known.names().filter((name) => !present.has(name));
    const orphans = gone.flatMap((name) => known.children(name).map((child) => child.name));
    const unread = summary.names.filter((name) => !known.has(name) || orphans.includes(name));
    const read =
      unread.length === 0 ? [] : await this.#onDomain(uuid, (d) => d.snapshotXmls(unread));
    const previous = this.#parsed.get(uuid) ?? new Map<string, SnapshotDocument>();
    const parsed = new Map<string, SnapshotDocument>();
    const reread = new Set(unread);
    for (const [key, document] of previous) {
      if (present.has(document.name) && !reread.has(document.name)) {
        parsed.set(key, document);
      }
    }

    for (const { xml } of read) {
      const key = xmlKey(xml);
      parsed.set(key, previous.get(key) ?? parseSnapshotXml(xml));
    }

    this.#parsed.set(uuid, parsed);

    return new SnapshotTree(parsed.values(), summary.current);
  }

  /** Every snapshot's name and the current one's: one listing, no XML. */
  snapshotSummary(uuid: string): Promise<{ names: string[]; current: string | null }> {
    return this.#onDomain(uuid, (domain) => domain.snapshotSummary());
  }

  /** The tree the server last saw of the domain, after its last event. */
  knownTree(uuid: string): SnapshotTree | undefined {
    return this.#known.get(uuid);
  }

  /**
   * The domain's tree for a query: the tree the server has told subscribers about, so that a
   * query never answers with a change no event has announced. A quick look at libvirt first
   * (how many snapshots, which is current: two round trips, none a snapshot); when that
   * differs from the tree, the watcher looks at once and sends its events, and the query
   * answers after them. A domain not read yet is read whole. What the quick look misses (a
   * delete and a create between two queries, a redefinition) comes with the watcher's next
   * look, as it would without it.
   */
  async queryTree(uuid: string): Promise<SnapshotTree> {
    const known = this.#known.get(uuid);
    if (known === undefined || !this.connected || this.#provisional.has(known)) {
      this.#treeLookups?.('read');

      return this.snapshotTree(uuid);
    }

    // A mutation in flight sends its own events, and records its tree, when it ends.
    if (this.#lookNow === undefined || this.isBusy(uuid)) {
      this.#treeLookups?.('hit');

      return known;
    }

    const glance = await this.#onDomain(uuid, (domain) => domain.snapshotCountAndCurrent());
    if (glance.count === known.size && glance.current === known.current) {
      this.#treeLookups?.('hit');

      return known;
    }

    this.#treeLookups?.('looked');
    await this.#lookNow();
    const seen = this.#known.get(uuid);

    return seen === undefined || this.#provisional.has(seen) ? this.snapshotTree(uuid) : seen;
  }

  /** Tells `observer` how each query's tree was found (for the server's metrics). */
  observeTreeLookups(observer: ((lookup: TreeLookup) => void) | undefined): void {
    this.#treeLookups = observer;
  }

  /** How a query asks the watcher to look now; resolves once its events are sent. */
  setLookNow(lookNow: (() => Promise<void>) | undefined): void {
    this.#lookNow = lookNow;
  }

  /**
   * Records the tree the server tells subscribers about next: called before the events go
   * out, so that a query made on an event answers with the state after it.
   */
  remember(uuid: string, tree: SnapshotTree): void {
    this.#known.set(uuid, tree);
    this.recordVersion(uuid, tree);
  }

  /**
   * Records an empty tree to compare a newly defined domain with, so that each of its
   * snapshots is news; queries read such a domain from libvirt until it is compared.
   */
  rememberAsNew(uuid: string): void {
    const empty = new SnapshotTree([], null);
    this.#provisional.add(empty);
    this.#known.set(uuid, empty);
  }

  /**
   * The tree's version, kept with the tree among the domain's last few, so that a mutation
   * that expected an older version can be told what changed since.
   */
  recordVersion(uuid: string, tree: SnapshotTree): string {
    const version = treeVersion(tree);
    const recent = this.#versions.get(uuid) ?? new Map<string, SnapshotTree>();
    recent.delete(version);
    recent.set(version, tree);
    for (const old of recent.keys()) {
      if (recent.size <= KEPT_VERSIONS) {
        break;
      }

      recent.delete(old);
    }

    this.#versions.set(uuid, recent);

    return version;
  }

  /** The tree of one of the domain's recent versions, if the server still keeps it. */
  treeAtVersion(uuid: string, version: string): SnapshotTree | undefined {
    return this.#versions.get(uuid)?.get(version);
  }

  /** Forgets a domain that is gone. */
  forget(uuid: string): void {
    const off = this.#lifecycle.get(uuid);
    this.#lifecycle.delete(uuid);
    void off?.().catch(() => undefined);
    const domain = this.#domains.get(uuid);
    this.#domains.delete(uuid);
    void domain?.free();
    this.#known.delete(uuid);
    this.#versions.delete(uuid);
    this.#parsed.delete(uuid);
    this.#generations.delete(uuid);
    this.#unsettled.delete(uuid);
  }

  /** Marks the domain's last change as not told yet: the next look compares it in full. */
  unsettle(uuid: string): void {
    this.#unsettled.add(uuid);
  }

  /** The domain's changes are all told. */
  settle(uuid: string): void {
    this.#unsettled.delete(uuid);
  }

  /** Whether the domain has a change this process saw but could not tell yet. */
  isUnsettled(uuid: string): boolean {
    return this.#unsettled.has(uuid);
  }

  /** The domains the server knows the snapshots of. */
  knownDomains(): string[] {
    return [...this.#known.keys()];
  }

  /** Whether a mutation of the domain is running. */
  isBusy(uuid: string): boolean {
    return this.#busy.has(uuid);
  }

  /** How many mutations of the domain have started; changes when one starts. */
  generation(uuid: string): number {
    return this.#generations.get(uuid) ?? 0;
  }

  /** virDomainSnapshotNum: how many snapshots `filter` selects. */
  async snapshotCount(uuid: string, filter: SnapshotFilter | null | undefined): Promise<number> {
    const flags = listFlags(filter, 'domain');
    const count = (extra: number) =>
      this.#onDomain(uuid, (domain) => domain.snapshotNum(flags | extra));
    if (filter?.roots === false) {
      return (await count(0)) - (await count(SnapshotListFlags.ROOTS));
    }

    return count(filter?.roots === true ? SnapshotListFlags.ROOTS : 0);
  }

  /** virDomainSnapshotListNames: the names `filter` selects. */
  async snapshotNames(uuid: string, filter: SnapshotFilter | null | undefined): Promise<string[]> {
    const flags = listFlags(filter, 'domain');
    const names = (extra: number) =>
      this.#onDomain(uuid, (domain) => domain.snapshotListNames(flags | extra));
    if (filter?.roots === false) {
      const roots = new Set(await names(SnapshotListFlags.ROOTS));

      return (await names(0)).filter((name) => !roots.has(name));
    }

    return names(filter?.roots === true ? SnapshotListFlags.ROOTS : 0);
  }

  /**
   * virDomainListAllSnapshots: the names `filter` selects, or null when it selects every
   * snapshot (no call is made then: the tree has them all).
   */
  async selectedNames(
    uuid: string,
    filter: SnapshotFilter | null | undefined,
  ): Promise<Set<string> | null> {
    if (!isFiltering(filter)) {
      return null;
    }

    const flags = listFlags(filter, 'domain');
    const names = (extra: number) =>
      this.#onDomain(uuid, (domain) => domain.snapshotNamesWhere(flags | extra));
    if (filter?.roots === false) {
      const roots = new Set(await names(SnapshotListFlags.ROOTS));

      return new Set((await names(0)).filter((name) => !roots.has(name)));
    }

    return new Set(await names(filter?.roots === true ? SnapshotListFlags.ROOTS : 0));
  }

  /** virDomainSnapshotListAllChildren: the children (or descendants) `filter` selects. */
  async selectedChildNames(
    uuid: string,
    name: string,
    filter: SnapshotFilter | null | undefined,
    descendants: boolean,
  ): Promise<Set<string> | null> {
    const flags = listFlags(filter, 'children');
    if (!isFiltering(filter)) {
      return null;
    }

    const scope = descendants ? SnapshotListFlags.DESCENDANTS : 0;

    return new Set(
      await this.#onDomain(uuid, (domain) => domain.childNamesWhere(name, flags | scope)),
    );
  }

  /** virDomainSnapshotNumChildren. */
  childCount(
    uuid: string,
    name: string,
    filter: SnapshotFilter | null | undefined,
    descendants: boolean,
  ): Promise<number> {
    const flags = listFlags(filter, 'children') | (descendants ? SnapshotListFlags.DESCENDANTS : 0);

    return this.#onDomain(uuid, (domain) => domain.onSnapshot(name, 'numChildren', flags));
  }

  /** virDomainSnapshotListChildrenNames. */
  childNames(
    uuid: string,
    name: string,
    filter: SnapshotFilter | null | undefined,
    descendants: boolean,
  ): Promise<string[]> {
    const flags = listFlags(filter, 'children') | (descendants ? SnapshotListFlags.DESCENDANTS : 0);

    return this.#onDomain(uuid, (domain) => domain.onSnapshot(name, 'childrenNames', flags));
  }

  /** virDomainSnapshotHasMetadata. */
  hasMetadata(uuid: string, name: string): Promise<boolean> {
    return this.#onDomain(uuid, (domain) => domain.onSnapshot(name, 'hasMetadata'));
  }

  /** virDomainSnapshotGetXMLDesc, with VIR_DOMAIN_SNAPSHOT_XML_SECURE when `secure`. */
  snapshotXml(uuid: string, name: string, secure: boolean): Promise<string> {
    const flags = secure ? SnapshotXMLFlags.SECURE : 0;

    return this.#onDomain(uuid, (domain) => domain.onSnapshot(name, 'xml', flags));
  }

  /** virDomainGetJobInfo: the job the domain runs, with its progress. */
  jobInfo(uuid: string): Promise<DomainJobInfo> {
    return this.#onDomain(uuid, (domain) => domain.jobInfo());
  }

  /** virDomainAbortJob. */
  async abortJob(uuid: string): Promise<void> {
    await this.#onDomain(uuid, (domain) => domain.abortJob());
  }

  /** virDomainSnapshotCreateXML; resolves to the new snapshot's name. */
  createSnapshot(uuid: string, xml: string, flags: number): Promise<string> {
    this.#writable();

    return this.#onDomain(uuid, async (domain) => {
      const snapshot = await domain.snapshotCreateXML(xml, flags);
      try {
        return await snapshot.name();
      } finally {
        await snapshot.free();
      }
    });
  }

  /** virDomainRevertToSnapshot. */
  async revertToSnapshot(uuid: string, name: string, flags: number): Promise<void> {
    this.#writable();
    await this.#onDomain(uuid, (domain) => domain.onSnapshot(name, 'revert', flags));
  }

  /** virDomainSnapshotDelete. */
  async deleteSnapshot(uuid: string, name: string, flags: number): Promise<void> {
    this.#writable();
    await this.#onDomain(uuid, (domain) => domain.onSnapshot(name, 'delete', flags));
  }

  /**
   * Refuses a mutation of the domain outright: FORBIDDEN on a read-only host, CONFLICT
   * (DOMAIN_BUSY) while another mutation of the domain runs. It makes no libvirt call, so a
   * refusal never waits in a call thread's queue behind the running mutation's slow call.
   */
  assertMutable(uuid: string): void {
    this.#writable();
    if (this.#busy.has(uuid)) {
      throw conflict('DOMAIN_BUSY', 'another mutation of this domain is running; try again');
    }
  }

  /**
   * Runs `mutation` while holding the domain's lock, in this process and, with replicas, in
   * every one; a second mutation of the same domain meanwhile is refused at once rather than
   * left to wait on libvirt's job lock. A read-only host refuses every mutation with FORBIDDEN
   * before it reads or checks anything.
   */
  async withDomainLock<T>(uuid: string, mutation: () => Promise<T>): Promise<T> {
    this.assertMutable(uuid);
    this.#busy.add(uuid);
    this.#generations.set(uuid, this.generation(uuid) + 1);
    try {
      const done = await this.feed.withLock(this.name, uuid, 'mutation', mutation);
      if (done === undefined) {
        throw conflict(
          'DOMAIN_BUSY',
          'another replica of the server is changing this domain; try again',
        );
      }

      return done.value;
    } finally {
      this.#busy.delete(uuid);
    }
  }

  /** Frees the domain handles and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      await this.#dropConnection(connection);
    }
  }

  #writable(): void {
    if (this.readOnly) {
      throw new ApiError('FORBIDDEN', `host ${this.name} is configured read-only`);
    }
  }

  #record(info: DomainInfo): DomainRecord {
    return {
      host: this,
      uuid: info.uuid,
      name: info.name,
      state: domainStateName(info.state),
      persistent: info.persistent,
    };
  }

  #connected(): Connection {
    if (this.#connection === undefined) {
      throw new ApiError('UNAVAILABLE', `host ${this.name} is not connected to libvirt`);
    }

    return this.#connection;
  }

  get #remote(): boolean {
    return !this.uri.startsWith('test:');
  }

  #call<T>(call: () => Promise<T>): Promise<T> {
    return translateLibvirtErrors(this.#remote, call);
  }

  async #missingAsNull<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (error) {
      // A handle freed meanwhile is one the server let go of because its domain is gone.
      const gone = error instanceof LibvirtError && error.code === ErrorNumber.NO_DOMAIN;
      if (gone || error instanceof HandleFreedError) {
        return null;
      }

      throw error;
    }
  }

  async #lookup(find: () => Promise<Domain>): Promise<DomainRecord | null> {
    return this.#call(async () => {
      const domain = await this.#missingAsNull(find);
      if (domain === null) {
        return null;
      }

      const info = await domain.info();
      const known = this.#domains.get(info.uuid);
      if (known === undefined) {
        this.#domains.set(info.uuid, domain);
      } else {
        await domain.free();
      }

      return this.#record(info);
    });
  }

  async #onDomain<T>(uuid: string, use: (domain: Domain) => Promise<T>): Promise<T> {
    if (!this.#domains.has(uuid) && (await this.domainByUuid(uuid)) === null) {
      throw notFound(`no domain with UUID ${uuid} on host ${this.name}`);
    }

    const domain = this.#domains.get(uuid) as Domain;
    try {
      return await this.#call(() => use(domain));
    } catch (error) {
      // The watcher saw the domain undefined while this call waited, and freed its handle.
      if (error instanceof HandleFreedError) {
        throw notFound(`no domain with UUID ${uuid} on host ${this.name}: it was undefined`);
      }

      throw error;
    }
  }
}

/** Whether `tree` has exactly the snapshots and the current snapshot of `summary`. */
export function sameSnapshots(
  tree: SnapshotTree,
  summary: { names: string[]; current: string | null },
): boolean {
  return (
    summary.current === tree.current &&
    summary.names.length === tree.size &&
    summary.names.every((name) => tree.has(name))
  );
}

/** What the parse cache keys a snapshot's XML by: a digest, so the text need not be kept. */
function xmlKey(xml: string): string {
  return createHash('sha256').update(xml).digest('base64');
}
