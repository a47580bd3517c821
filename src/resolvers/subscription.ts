import { ApiError, badInput, notFound } from '../errors.ts';
import {
  type DomainEvent,
  type EventFilter,
  EventGapError,
  type SnapshotEvent,
  type SnapshotEventType,
  type SnapshotJobEvent,
} from '../events/index.ts';
import type { DomainRecord, Host } from '../hosts/host.ts';
import { builder, encodeGlobalID, expectGlobalID } from './builder.ts';
import type { Context } from './context.ts';
import { DomainRef } from './domain.ts';
import { DomainStateEnum } from './enums.ts';
import { HostRef } from './host.ts';
import { decodeKey, encodeKey } from './ids.ts';
import { SnapshotRef } from './snapshot.ts';
import { snapshotRecord } from './snapshot-record.ts';

export const SnapshotEventTypeEnum = builder.enumType('SnapshotEventType', {
  values: {
    CREATED: { description: 'A new snapshot, including a redefinition under a new name' },
    DELETED: { description: 'A snapshot deleted, or one of a domain that was undefined' },
    REVERTED: { description: 'The domain reverted to the snapshot, which is now current' },
    UPDATED: {
      description: 'Redefined, re-parented by the delete of its parent, or made current',
    },
  } as const,
});

export const EventOriginEnum = builder.enumType('EventOrigin', {
  values: {
    API: { description: 'Made through this server' },
    EXTERNAL: { description: 'Seen in libvirt: virsh, another client, a restart' },
  } as const,
});

export const DomainEventTypeEnum = builder.enumType('DomainEventType', {
  values: ['DEFINED', 'UNDEFINED', 'STATE_CHANGED', 'HOST_CONNECTED', 'HOST_DISCONNECTED'] as const,
});

/** The configured host an event names; events only ever come from configured hosts. */
function eventHost(context: Context, hostName: string): Host {
  const host = context.hosts.byName(hostName);
  if (host === undefined) {
    throw new Error(`an event names host ${JSON.stringify(hostName)}, which is not configured`);
  }

  return host;
}

/** The domain as libvirt has it now; null once it is undefined. */
function eventDomain(
  context: Context,
  hostName: string,
  uuid: string | null,
): Promise<DomainRecord | null> {
  return uuid === null ? Promise.resolve(null) : eventHost(context, hostName).domainByUuid(uuid);
}

/** One change of one snapshot. */
export const SnapshotEventRef = builder.objectRef<SnapshotEvent>('SnapshotEvent').implement({
  description: 'One change of one snapshot; exactly one event per change per snapshot',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique; snapshotEvents(after:) replays what followed' }),
    type: t.field({ type: SnapshotEventTypeEnum, resolve: (event) => event.type }),
    origin: t.field({ type: EventOriginEnum, resolve: (event) => event.origin }),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    host: t.field({
      type: HostRef,
      resolve: (event, _args, context) => eventHost(context, event.hostName),
    }),
    domainName: t.exposeString('domainName'),
    domain: t.field({
      type: DomainRef,
      nullable: true,
      description: 'Null once the domain is undefined',
      resolve: (event, _args, context) => eventDomain(context, event.hostName, event.domainUuid),
    }),
    snapshotId: t.id({
      description: 'The Snapshot’s ID, also once the snapshot is gone',
      resolve: (event) =>
        encodeGlobalID(
          'Snapshot',
          encodeKey([event.hostName, event.domainUuid, event.snapshotName]),
        ),
    }),
    snapshotName: t.exposeString('snapshotName'),
    snapshot: t.field({
      type: SnapshotRef,
      nullable: true,
      description: 'Null for DELETED, and once the snapshot is gone',
      resolve: async (event, _args, context) => {
        if (event.type === 'DELETED') {
          return null;
        }

        const domain = await eventDomain(context, event.hostName, event.domainUuid);
        if (domain === null) {
          return null;
        }

        // The domain may be undefined while the event is resolved: its snapshots are gone.
        const tree = await context.trees.get(domain.host, domain.uuid).catch((error: unknown) => {
          if (error instanceof ApiError && error.code === 'NOT_FOUND') {
            return null;
          }

          throw error;
        });
        const document = tree?.get(event.snapshotName);

        return document === undefined ? null : snapshotRecord(domain, document);
      },
    }),
  }),
});

/** One change of a domain, or a host's connection coming or going. */
export const DomainEventRef = builder.objectRef<DomainEvent>('DomainEvent').implement({
  description: 'A domain defined, undefined or changing state; a host connecting or not',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.field({ type: DomainEventTypeEnum, resolve: (event) => event.type }),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    host: t.field({
      type: HostRef,
      resolve: (event, _args, context) => eventHost(context, event.hostName),
    }),
    domainName: t.exposeString('domainName', {
      nullable: true,
      description: 'Null for the HOST_ types',
    }),
    domain: t.field({
      type: DomainRef,
      nullable: true,
      description: 'Null for the HOST_ types, and once the domain is undefined',
      resolve: (event, _args, context) => eventDomain(context, event.hostName, event.domainUuid),
    }),
    state: t.field({
      type: DomainStateEnum,
      nullable: true,
      description: 'The domain’s state after the change, where there is one',
      resolve: (event) => event.state as DomainRecord['state'] | null,
    }),
  }),
});

export const SnapshotJobOperationEnum = builder.enumType('SnapshotJobOperation', {
  values: ['CREATE', 'REVERT', 'DELETE'] as const,
});

export const SnapshotJobPhaseEnum = builder.enumType('SnapshotJobPhase', {
  values: {
    STARTED: { description: 'The server is about to call libvirt' },
    RUNNING: { description: 'libvirt reports the job, with its byte counts where it has them' },
    COMPLETED: { description: 'libvirt finished it' },
    FAILED: { description: 'libvirt refused or failed it, or it timed out; see error' },
  } as const,
});

/** One report of a create, revert or delete in flight. */
export const SnapshotJobRef = builder.objectRef<SnapshotJobEvent>('SnapshotJob').implement({
  description:
    'A create, revert or delete in flight: STARTED, RUNNING about twice a second while ' +
    'libvirt reports the job (a snapshot or revert that saves or loads memory to a file), ' +
    'then COMPLETED or FAILED',
  fields: (t) => ({
    id: t.exposeID('jobId', { description: 'The job’s ID, the same in each of its reports' }),
    domain: t.field({
      type: DomainRef,
      resolve: async (job, _args, context) => {
        const domain = await eventDomain(context, job.hostName, job.domainUuid);
        if (domain === null) {
          throw notFound(`the domain ${job.domainName} of this job no longer exists`);
        }

        return domain;
      },
    }),
    operation: t.field({ type: SnapshotJobOperationEnum, resolve: (job) => job.operation }),
    phase: t.field({ type: SnapshotJobPhaseEnum, resolve: (job) => job.phase }),
    snapshotName: t.exposeString('snapshotName', {
      nullable: true,
      description: 'Null until libvirt has named the snapshot',
    }),
    dataTotal: t.float({
      nullable: true,
      description: 'Bytes, from libvirt’s job statistics',
      resolve: (job) => job.dataTotal,
    }),
    dataProcessed: t.float({ nullable: true, resolve: (job) => job.dataProcessed }),
    elapsedMs: t.exposeInt('elapsedMs'),
    error: t.exposeString('error', { nullable: true, description: 'With FAILED' }),
  }),
});

/** The name of the configured host a Host ID names; NOT_FOUND when none has that name. */
function hostNameFromId(context: Context, id: string): string {
  const name = expectGlobalID(id, 'Host');
  if (context.hosts.byName(name) === undefined) {
    throw notFound(`no host is called ${JSON.stringify(name)}`);
  }

  return name;
}

/** The host name and UUID a Domain ID names; the domain itself may come and go. */
function domainKeyFromId(context: Context, id: string): { hostName: string; uuid: string } {
  const [hostName, uuid] = decodeKey(expectGlobalID(id, 'Domain'), 2) as [string, string];
  if (context.hosts.byName(hostName) === undefined) {
    throw notFound(`the host of this domain ID, ${JSON.stringify(hostName)}, is not configured`);
  }

  return { hostName, uuid };
}

function isGiven(value: string | null | undefined): value is string {
  return value !== null && value !== undefined;
}

/** The events a snapshotEvents subscriber asked for: each filter given must hold. */
function snapshotEventFilter(
  context: Context,
  args: {
    domainId?: string | null;
    hostId?: string | null;
    types?: readonly SnapshotEventType[] | null;
  },
): EventFilter<SnapshotEvent> {
  const conditions: Array<EventFilter<SnapshotEvent>> = [];
  if (isGiven(args.domainId)) {
    const { hostName, uuid } = domainKeyFromId(context, args.domainId);
    conditions.push((event) => event.hostName === hostName && event.domainUuid === uuid);
  }

  if (isGiven(args.hostId)) {
    const hostName = hostNameFromId(context, args.hostId);
    conditions.push((event) => event.hostName === hostName);
  }

  // An empty list selects every type, as an absent one does.
  if (args.types !== null && args.types !== undefined && args.types.length > 0) {
    const types = new Set(args.types);
    conditions.push((event) => types.has(event.type));
  }

  return (event) => conditions.every((condition) => condition(event));
}

/**
 * The subscription's root resolver: hands the event on, and empties the operation's tree
 * cache first, so that each event is resolved against the host's tree after it (recorded
 * before the event was sent) and not against the trees an earlier event of the same
 * subscription read. Events are resolved one at a time, each before the next is read.
 */
function freshEvent<E>(event: E, _args: unknown, context: Context): E {
  context.trees.clear();

  return event;
}

/** The log's stream; an `after` the log cannot replay from is the client's to fix. */
function replayFrom<E extends { id: string }>(
  stream: () => AsyncIterableIterator<E>,
): AsyncIterableIterator<E> {
  try {
    return stream();
  } catch (error) {
    if (error instanceof EventGapError) {
      throw badInput(error.message);
    }

    throw error;
  }
}

builder.subscriptionFields((t) => ({
  snapshotEvents: t.field({
    type: SnapshotEventRef,
    description:
      'Each change of a snapshot as it happens; with after, first the events since that ID ' +
      'from the log the server keeps. Every argument given narrows the events; an empty ' +
      'types is every type.',
    args: {
      domainId: t.arg.id(),
      hostId: t.arg.id(),
      types: t.arg({ type: [SnapshotEventTypeEnum] }),
      after: t.arg.id({
        description:
          'An event ID: replay what came after it first; BAD_USER_INPUT when the log no ' +
          'longer holds it, or never did',
      }),
    },
    subscribe: (_root, args, context) => {
      const filter = snapshotEventFilter(context, args);

      return replayFrom(() => context.hosts.events.snapshots.stream(filter, args.after));
    },
    resolve: freshEvent,
  }),
  snapshotJobs: t.field({
    type: SnapshotJobRef,
    description: 'Creates, reverts and deletes in flight, as they start, progress and end',
    args: { domainId: t.arg.id() },
    subscribe: (_root, args, context) => {
      const key = isGiven(args.domainId) ? domainKeyFromId(context, args.domainId) : null;
      const filter: EventFilter<SnapshotJobEvent> = (job) =>
        key === null || (job.hostName === key.hostName && job.domainUuid === key.uuid);

      return context.hosts.events.jobs.stream(filter);
    },
    resolve: freshEvent,
  }),
  domainEvents: t.field({
    type: DomainEventRef,
    description: 'Domains defined, undefined or changing state, and hosts connecting or not',
    args: { hostId: t.arg.id() },
    subscribe: (_root, args, context) => {
      const hostName = isGiven(args.hostId) ? hostNameFromId(context, args.hostId) : null;
      const filter: EventFilter<DomainEvent> = (event) =>
        hostName === null || event.hostName === hostName;

      return context.hosts.events.domains.stream(filter);
    },
    resolve: freshEvent,
  }),
}));
