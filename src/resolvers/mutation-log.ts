import {
  defaultFieldResolver,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { DomainRecord } from '../hosts/host.ts';
import { expectGlobalID } from './builder.ts';
import type { Context } from './context.ts';
import { decodeKey } from './ids.ts';

/** The part of a mutation's input that names what it changes. */
interface MutationInput {
  domainId?: unknown;
  snapshotId?: unknown;
  name?: unknown;
}

/** The part of a mutation's payload that names what it changed. */
interface MutationPayload {
  domain?: DomainRecord;
  snapshot?: { name: string } | null;
}

/** What one log line says about a mutation's target. */
interface MutationTarget {
  host?: string;
  domain?: string;
  domainUuid?: string;
  snapshot?: string;
}

/** Host, domain UUID and snapshot name as the input's IDs give them; none for a bad ID. */
function inputTarget(input: MutationInput | undefined): MutationTarget {
  try {
    if (typeof input?.snapshotId === 'string') {
      const key = expectGlobalID(input.snapshotId, 'Snapshot');
      const [host, domainUuid, snapshot] = decodeKey(key, 3);

      return { host, domainUuid, snapshot };
    }

    if (typeof input?.domainId === 'string') {
      const [host, domainUuid] = decodeKey(expectGlobalID(input.domainId, 'Domain'), 2);
      const snapshot = typeof input.name === 'string' ? input.name : undefined;

      return { host, domainUuid, snapshot };
    }
  } catch {
    // The mutation answers a malformed ID itself, with BAD_USER_INPUT; the log names no target.
    return {};
  }

  return {};
}

/** The target with what the payload adds: the domain's name, the snapshot libvirt named. */
function payloadTarget(target: MutationTarget, payload: MutationPayload | null): MutationTarget {
  const domain = payload?.domain;

  return {
    host: target.host ?? domain?.host.name,
    domain: domain?.name,
    domainUuid: target.domainUuid ?? domain?.uuid,
    snapshot: payload?.snapshot?.name ?? target.snapshot,
  };
}

/** An error's `extensions.code` (and reason), as the client reads it. */
function outcomeOf(error: unknown): { outcome: string; reason?: unknown } {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
    return { outcome: error.extensions.code, reason: error.extensions.reason };
  }

  return { outcome: 'INTERNAL_SERVER_ERROR' };
}

/**
 * Logs every call of every `Mutation` field once, at info, on the context's logger: who made
 * it (the token's name, or `anonymous`), the operation, its host, domain and snapshot, and the
 * outcome, `ok` or the error's code. The token itself is never logged. Wraps the resolvers of
 * `schema` in place and returns it.
 */
export function logMutations(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const [operation, field] of Object.entries(fields)) {
    const resolve: GraphQLFieldResolver<unknown, Context> = field.resolve ?? defaultFieldResolver;
    const logged: GraphQLFieldResolver<unknown, Context> = async (root, args, context, info) => {
      const target = inputTarget(args.input as MutationInput | undefined);
      const log = (outcome: { outcome: string; reason?: unknown }, target: MutationTarget) => {
        const by = context.tokenName ?? 'anonymous';
        const entry = { operation, by, role: context.role, ...target, ...outcome };
        context.logger.info(entry, `${operation} by ${by}: ${outcome.outcome}`);
        context.metrics.mutation(operation, outcome.outcome);
      };

      let payload: MutationPayload | null;
      try {
        payload = (await resolve(root, args, context, info)) as MutationPayload | null;
      } catch (error) {
        log(outcomeOf(error), target);
        throw error;
      }

      log({ outcome: 'ok' }, payloadTarget(target, payload));

      return payload;
    };
    field.resolve = logged;
  }

  return schema;
}
