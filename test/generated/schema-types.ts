export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant as ISO-8601 with time zone, e.g. 2026-12-03T16:04:33Z */
  DateTime: { input: string; output: string; }
};

/** Who the caller is */
export type Access = {
  __typename?: 'Access';
  role: Role;
  tokenName?: Maybe<Scalars['String']['output']>;
};

export type CreateSnapshotInput = {
  /** CREATE_ATOMIC */
  atomic?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  /** CREATE_DISK_ONLY */
  diskOnly?: InputMaybe<Scalars['Boolean']['input']>;
  disks?: InputMaybe<Array<SnapshotDiskInput>>;
  domainId: Scalars['ID']['input'];
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: InputMaybe<Scalars['String']['input']>;
  /** CREATE_HALT */
  halt?: InputMaybe<Scalars['Boolean']['input']>;
  /** CREATE_LIVE: needs memory saved to an external file */
  live?: InputMaybe<Scalars['Boolean']['input']>;
  memory?: InputMaybe<SnapshotMemoryInput>;
  /** libvirt picks one (the epoch time) when absent */
  name?: InputMaybe<Scalars['String']['input']>;
  /** CREATE_NO_METADATA */
  noMetadata?: InputMaybe<Scalars['Boolean']['input']>;
  /** CREATE_QUIESCE */
  quiesce?: InputMaybe<Scalars['Boolean']['input']>;
  /** CREATE_REUSE_EXT */
  reuseExternal?: InputMaybe<Scalars['Boolean']['input']>;
  /** CREATE_VALIDATE */
  validate?: InputMaybe<Scalars['Boolean']['input']>;
  /** A whole <domainsnapshot> document instead of the structured fields */
  xml?: InputMaybe<Scalars['String']['input']>;
};

export type CreateSnapshotPayload = {
  __typename?: 'CreateSnapshotPayload';
  domain: Domain;
  /** null only with noMetadata, which leaves nothing to point at */
  snapshot?: Maybe<Snapshot>;
};

export type DeleteScope =
  /** DELETE_CHILDREN_ONLY */
  | 'DESCENDANTS_ONLY'
  /** The snapshot only; its children move up to its parent */
  | 'SNAPSHOT'
  /** DELETE_CHILDREN */
  | 'SNAPSHOT_AND_DESCENDANTS';

export type DeleteSnapshotInput = {
  /** Check and describe; change nothing */
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: InputMaybe<Scalars['String']['input']>;
  /** DELETE_METADATA_ONLY */
  metadataOnly?: InputMaybe<Scalars['Boolean']['input']>;
  /** SNAPSHOT by default: its children are re-parented */
  scope?: InputMaybe<DeleteScope>;
  snapshotId: Scalars['ID']['input'];
};

export type DeleteSnapshotPayload = {
  __typename?: 'DeleteSnapshotPayload';
  deletedSnapshotIds: Array<Scalars['ID']['output']>;
  deletedSnapshotNames: Array<Scalars['String']['output']>;
  domain: Domain;
  dryRun: Scalars['Boolean']['output'];
  /** Children that move up to the parent */
  reparentedSnapshotIds: Array<Scalars['ID']['output']>;
};

export type Domain = Node & {
  __typename?: 'Domain';
  /** virDomainSnapshotCurrent */
  currentSnapshot?: Maybe<Snapshot>;
  /** virDomainHasCurrentSnapshot */
  hasCurrentSnapshot: Scalars['Boolean']['output'];
  host: Host;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  persistent: Scalars['Boolean']['output'];
  /** virDomainSnapshotLookupByName; null when no snapshot has that name */
  snapshot?: Maybe<Snapshot>;
  /** virDomainSnapshotNum */
  snapshotCount: Scalars['Int']['output'];
  /** virDomainSnapshotListNames */
  snapshotNames: Array<Scalars['String']['output']>;
  /** A digest of the snapshots (names, parents, what a redefinition changes) and the current one: it changes whenever any of them does, by anyone */
  snapshotTreeVersion: Scalars['String']['output'];
  /** virDomainListAllSnapshots */
  snapshots: SnapshotConnection;
  state: DomainState;
  uuid: Scalars['String']['output'];
};


export type DomainSnapshotArgs = {
  name: Scalars['String']['input'];
};


export type DomainSnapshotCountArgs = {
  filter?: InputMaybe<SnapshotFilter>;
};


export type DomainSnapshotNamesArgs = {
  filter?: InputMaybe<SnapshotFilter>;
};


export type DomainSnapshotsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SnapshotFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  order?: InputMaybe<SnapshotOrder>;
};

/** A domain defined, undefined or changing state; a host connecting or not */
export type DomainEvent = {
  __typename?: 'DomainEvent';
  /** Null for the HOST_ types, and once the domain is undefined */
  domain?: Maybe<Domain>;
  /** Null for the HOST_ types */
  domainName?: Maybe<Scalars['String']['output']>;
  host: Host;
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTime']['output'];
  /** The domain’s state after the change, where there is one */
  state?: Maybe<DomainState>;
  type: DomainEventType;
};

export type DomainEventType =
  | 'DEFINED'
  | 'HOST_CONNECTED'
  | 'HOST_DISCONNECTED'
  | 'STATE_CHANGED'
  | 'UNDEFINED';

export type DomainState =
  | 'BLOCKED'
  | 'CRASHED'
  | 'NOSTATE'
  | 'PAUSED'
  | 'PMSUSPENDED'
  | 'RUNNING'
  | 'SHUTDOWN'
  | 'SHUTOFF';

export type EventOrigin =
  /** Made through this server */
  | 'API'
  /** Seen in libvirt: virsh, another client, a restart */
  | 'EXTERNAL';

/** One libvirt connection, as configured */
export type Host = Node & {
  __typename?: 'Host';
  connected: Scalars['Boolean']['output'];
  /** Empty while the host is not connected (see connected) */
  domains: Array<Domain>;
  /** virConnectGetType as is: "QEMU", "TEST" */
  hypervisor: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** e.g. "9.0.0" */
  libvirtVersion: Scalars['String']['output'];
  /** As configured; the URI when none was given */
  name: Scalars['String']['output'];
  readOnly: Scalars['Boolean']['output'];
  uri: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  createSnapshot: CreateSnapshotPayload;
  deleteSnapshot: DeleteSnapshotPayload;
  redefineSnapshot: RedefineSnapshotPayload;
  revertToSnapshot: RevertToSnapshotPayload;
};


export type MutationCreateSnapshotArgs = {
  input: CreateSnapshotInput;
};


export type MutationDeleteSnapshotArgs = {
  input: DeleteSnapshotInput;
};


export type MutationRedefineSnapshotArgs = {
  input: RedefineSnapshotInput;
};


export type MutationRevertToSnapshotArgs = {
  input: RevertToSnapshotInput;
};

export type Node = {
  id: Scalars['ID']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  access: Access;
  domain?: Maybe<Domain>;
  /** Every host’s domains when host is absent */
  domains: Array<Domain>;
  host?: Maybe<Host>;
  hosts: Array<Host>;
  node?: Maybe<Node>;
  nodes: Array<Maybe<Node>>;
};


export type QueryDomainArgs = {
  host?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  uuid?: InputMaybe<Scalars['String']['input']>;
};


export type QueryDomainsArgs = {
  host?: InputMaybe<Scalars['String']['input']>;
};


export type QueryHostArgs = {
  name: Scalars['String']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};

export type RedefineSnapshotInput = {
  /** CREATE_CURRENT */
  current?: InputMaybe<Scalars['Boolean']['input']>;
  domainId: Scalars['ID']['input'];
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: InputMaybe<Scalars['String']['input']>;
  /** CREATE_VALIDATE */
  validate?: InputMaybe<Scalars['Boolean']['input']>;
  /** CREATE_REDEFINE: a full <domainsnapshot>, as Snapshot.xml returns it */
  xml: Scalars['String']['input'];
};

export type RedefineSnapshotPayload = {
  __typename?: 'RedefineSnapshotPayload';
  domain: Domain;
  snapshot: Snapshot;
};

export type RevertTargetState =
  /** REVERT_PAUSED */
  | 'PAUSED'
  /** REVERT_RUNNING */
  | 'RUNNING';

export type RevertToSnapshotInput = {
  /** Check and describe; change nothing */
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  /** CONFLICT (TREE_CHANGED) unless the tree is still at this version */
  expectedTreeVersion?: InputMaybe<Scalars['String']['input']>;
  /** REVERT_FORCE */
  force?: InputMaybe<Scalars['Boolean']['input']>;
  /** REVERT_RESET_NVRAM */
  resetNvram?: InputMaybe<Scalars['Boolean']['input']>;
  snapshotId: Scalars['ID']['input'];
  /** RUNNING (REVERT_RUNNING) or PAUSED (REVERT_PAUSED); absent: as taken */
  targetState?: InputMaybe<RevertTargetState>;
};

export type RevertToSnapshotPayload = {
  __typename?: 'RevertToSnapshotPayload';
  domain: Domain;
  dryRun: Scalars['Boolean']['output'];
  /** The domain’s state after the revert */
  resultingState: DomainState;
  snapshot: Snapshot;
};

export type Role =
  | 'OPERATOR'
  | 'VIEWER';

export type Snapshot = Node & {
  __typename?: 'Snapshot';
  /** The parent first, the root last */
  ancestors: Array<Snapshot>;
  /** virDomainSnapshotNumChildren */
  childCount: Scalars['Int']['output'];
  /** virDomainSnapshotListChildrenNames */
  childNames: Array<Scalars['String']['output']>;
  /** virDomainSnapshotListAllChildren */
  children: SnapshotConnection;
  creationTime: Scalars['DateTime']['output'];
  /** virDomainSnapshotListAllChildren with LIST_DESCENDANTS */
  descendants: SnapshotConnection;
  description?: Maybe<Scalars['String']['output']>;
  disks: Array<SnapshotDisk>;
  /** virDomainSnapshotGetDomain */
  domain: Domain;
  /** virDomainSnapshotHasMetadata */
  hasMetadata: Scalars['Boolean']['output'];
  /** virDomainSnapshotGetConnect */
  host: Host;
  id: Scalars['ID']['output'];
  /** virDomainSnapshotIsCurrent, read from the domain’s current snapshot */
  isCurrent: Scalars['Boolean']['output'];
  kind: SnapshotKind;
  location: SnapshotLocation;
  memory: SnapshotMemory;
  /** virDomainSnapshotGetName */
  name: Scalars['String']['output'];
  /** virDomainSnapshotGetParent; null for a root */
  parent?: Maybe<Snapshot>;
  /** The domain’s state when the snapshot was taken */
  state: SnapshotState;
  /** virDomainSnapshotGetXMLDesc */
  xml: Scalars['String']['output'];
};


export type SnapshotChildCountArgs = {
  descendants?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<SnapshotFilter>;
};


export type SnapshotChildNamesArgs = {
  descendants?: InputMaybe<Scalars['Boolean']['input']>;
  filter?: InputMaybe<SnapshotFilter>;
};


export type SnapshotChildrenArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SnapshotFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  order?: InputMaybe<SnapshotOrder>;
};


export type SnapshotDescendantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SnapshotFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  order?: InputMaybe<SnapshotOrder>;
};


export type SnapshotXmlArgs = {
  secure?: InputMaybe<Scalars['Boolean']['input']>;
};

export type SnapshotConnection = {
  __typename?: 'SnapshotConnection';
  edges: Array<SnapshotEdge>;
  nodes: Array<Snapshot>;
  pageInfo: PageInfo;
  /** How many snapshots the list has, over every page */
  totalCount: Scalars['Int']['output'];
};

export type SnapshotDisk = {
  __typename?: 'SnapshotDisk';
  driverType?: Maybe<Scalars['String']['output']>;
  mode: SnapshotMode;
  name: Scalars['String']['output'];
  sourceFile?: Maybe<Scalars['String']['output']>;
};

export type SnapshotDiskInput = {
  /** e.g. qcow2 */
  driverType?: InputMaybe<Scalars['String']['input']>;
  mode: SnapshotMode;
  /** The disk’s target, e.g. vda */
  name: Scalars['String']['input'];
  /** With mode EXTERNAL: the new overlay file */
  sourceFile?: InputMaybe<Scalars['String']['input']>;
};

export type SnapshotEdge = {
  __typename?: 'SnapshotEdge';
  cursor: Scalars['String']['output'];
  node: Snapshot;
};

/** One change of one snapshot; exactly one event per change per snapshot */
export type SnapshotEvent = {
  __typename?: 'SnapshotEvent';
  /** Null once the domain is undefined */
  domain?: Maybe<Domain>;
  domainName: Scalars['String']['output'];
  host: Host;
  /** Unique; snapshotEvents(after:) replays what followed */
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTime']['output'];
  origin: EventOrigin;
  /** Null for DELETED, and once the snapshot is gone */
  snapshot?: Maybe<Snapshot>;
  /** The Snapshot’s ID, also once the snapshot is gone */
  snapshotId: Scalars['ID']['output'];
  snapshotName: Scalars['String']['output'];
  type: SnapshotEventType;
};

export type SnapshotEventType =
  /** A new snapshot, including a redefinition under a new name */
  | 'CREATED'
  /** A snapshot deleted, or one of a domain that was undefined */
  | 'DELETED'
  /** The domain reverted to the snapshot, which is now current */
  | 'REVERTED'
  /** Redefined, re-parented by the delete of its parent, or made current */
  | 'UPDATED';

export type SnapshotFilter = {
  /** true: LIST_METADATA, false: LIST_NO_METADATA */
  hasMetadata?: InputMaybe<Scalars['Boolean']['input']>;
  /** LIST_INACTIVE / LIST_ACTIVE / LIST_DISK_ONLY */
  kinds?: InputMaybe<Array<SnapshotKind>>;
  /** true: LIST_LEAVES, false: LIST_NO_LEAVES */
  leaves?: InputMaybe<Scalars['Boolean']['input']>;
  /** LIST_INTERNAL / LIST_EXTERNAL */
  location?: InputMaybe<SnapshotLocation>;
  /** true: LIST_ROOTS; false: only snapshots with a parent. Domain-level lists only: on children and descendants it is BAD_USER_INPUT (libvirt gives ROOTS and DESCENDANTS the same bit) */
  roots?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A create, revert or delete in flight: STARTED, RUNNING about twice a second while libvirt reports the job (a snapshot or revert that saves or loads memory to a file), then COMPLETED or FAILED */
export type SnapshotJob = {
  __typename?: 'SnapshotJob';
  dataProcessed?: Maybe<Scalars['Float']['output']>;
  /** Bytes, from libvirt’s job statistics */
  dataTotal?: Maybe<Scalars['Float']['output']>;
  domain: Domain;
  elapsedMs: Scalars['Int']['output'];
  /** With FAILED */
  error?: Maybe<Scalars['String']['output']>;
  /** The job’s ID, the same in each of its reports */
  id: Scalars['ID']['output'];
  operation: SnapshotJobOperation;
  phase: SnapshotJobPhase;
  /** Null until libvirt has named the snapshot */
  snapshotName?: Maybe<Scalars['String']['output']>;
};

export type SnapshotJobOperation =
  | 'CREATE'
  | 'DELETE'
  | 'REVERT';

export type SnapshotJobPhase =
  /** libvirt finished it */
  | 'COMPLETED'
  /** libvirt refused or failed it, or it timed out; see error */
  | 'FAILED'
  /** libvirt reports the job, with its byte counts where it has them */
  | 'RUNNING'
  /** The server is about to call libvirt */
  | 'STARTED';

export type SnapshotKind =
  | 'ACTIVE'
  | 'DISK_ONLY'
  | 'INACTIVE';

export type SnapshotLocation =
  | 'EXTERNAL'
  | 'INTERNAL';

export type SnapshotMemory = {
  __typename?: 'SnapshotMemory';
  file?: Maybe<Scalars['String']['output']>;
  mode: SnapshotMode;
};

export type SnapshotMemoryInput = {
  /** With mode EXTERNAL: where the memory is saved */
  file?: InputMaybe<Scalars['String']['input']>;
  mode: SnapshotMode;
};

export type SnapshotMode =
  | 'EXTERNAL'
  | 'INTERNAL'
  | 'MANUAL'
  | 'NO';

export type SnapshotOrder =
  /** Oldest first */
  | 'CREATION_TIME'
  /** By name, in code-point order */
  | 'NAME'
  /** Every parent before its children (LIST_TOPOLOGICAL); the default */
  | 'TOPOLOGICAL';

export type SnapshotState =
  | 'BLOCKED'
  | 'CRASHED'
  | 'DISK_SNAPSHOT'
  | 'NOSTATE'
  | 'PAUSED'
  | 'PMSUSPENDED'
  | 'RUNNING'
  | 'SHUTDOWN'
  | 'SHUTOFF';

export type Subscription = {
  __typename?: 'Subscription';
  /** Domains defined, undefined or changing state, and hosts connecting or not */
  domainEvents: DomainEvent;
  /** Each change of a snapshot as it happens; with after, first the events since that ID from the log the server keeps. Every argument given narrows the events; an empty types is every type. */
  snapshotEvents: SnapshotEvent;
  /** Creates, reverts and deletes in flight, as they start, progress and end */
  snapshotJobs: SnapshotJob;
};


export type SubscriptionDomainEventsArgs = {
  hostId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionSnapshotEventsArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  domainId?: InputMaybe<Scalars['ID']['input']>;
  hostId?: InputMaybe<Scalars['ID']['input']>;
  types?: InputMaybe<Array<SnapshotEventType>>;
};


export type SubscriptionSnapshotJobsArgs = {
  domainId?: InputMaybe<Scalars['ID']['input']>;
};
