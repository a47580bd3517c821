import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import { ApiError, badInput, notFound } from '../errors.ts';
import type { DomainRecord, Host } from '../hosts/host.ts';
import { builder } from './builder.ts';
import type { Context } from './context.ts';
import { DomainRef } from './domain.ts';
import { RoleEnum } from './enums.ts';
import { HostRef } from './host.ts';

const AccessRef = builder
  .objectRef<{ role: 'VIEWER' | 'OPERATOR'; tokenName: string | null }>('Access')
  .implement({
    description: 'Who the caller is',
    fields: (t) => ({
      role: t.field({ type: RoleEnum, resolve: (access) => access.role }),
      tokenName: t.exposeString('tokenName', { nullable: true }),
    }),
  });

function hostNamed(context: Context, name: string) {
  const host = context.hosts.byName(name);
  if (host === undefined) {
    throw notFound(`no host is called ${JSON.stringify(name)}`);
  }

  return host;
}

/**
 * What `use` gives for each host that answers, together: a host that is not connected, or
 * whose connection fails meanwhile, is left out, and the answer says so in its errors
 * (useLeftOutHosts).
 */
async function fromEveryHost<T>(
  context: Context,
  info: GraphQLResolveInfo,
  use: (host: Host) => Promise<T[]>,
): Promise<T[]> {
  const leaveOut = (host: Host, reason: string): T[] => {
    context.leftOut.push({ host: host.name, reason, path: responsePathAsArray(info.path) });

    return [];
  };
  const parts = await Promise.all(
    context.hosts.list().map(async (host) => {
      if (!host.connected) {
        return leaveOut(host, 'it is not connected');
      }

      try {
        return await use(host);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAVAILABLE') {
          return leaveOut(host, error.message);
        }

        throw error;
      }
    }),
  );

  return parts.flat();
}

async function findDomain(
  context: Context,
  info: GraphQLResolveInfo,
  args: { name?: string | null; uuid?: string | null; host?: string | null },
): Promise<DomainRecord | null> {
  const byName = args.name !== null && args.name !== undefined;
  const byUuid = args.uuid !== null && args.uuid !== undefined;
  if (byName === byUuid) {
    throw badInput('domain takes exactly one of name and uuid');
  }

  const lookUp = async (host: Host) => {
    const domain = byName
      ? await host.domainByName(args.name as string)
      : await host.domainByUuid(args.uuid as string);

    return domain === null ? [] : [domain];
  };
  // Without a host, as for `domains`: a host that is down must not hide the others' domains.
  const found =
    args.host === null || args.host === undefined
      ? await fromEveryHost(context, info, lookUp)
      : await lookUp(hostNamed(context, args.host));
  if (found.length > 1) {
    throw badInput(
      `domains on several hosts match (${found.map((d) => d.host.name).join(', ')}); name the host`,
    );
  }

  return found[0] ?? null;
}

builder.queryFields((t) => ({
  hosts: t.field({ type: [HostRef], resolve: (_root, _args, context) => context.hosts.list() }),
  host: t.field({
    type: HostRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => context.hosts.byName(args.name) ?? null,
  }),
  domains: t.field({
    type: [DomainRef],
    description: 'Every host’s domains when host is absent',
    args: { host: t.arg.string() },
    resolve: (_root, args, context, info) =>
      args.host === null || args.host === undefined
        ? fromEveryHost(context, info, (host) => host.domains())
        : hostNamed(context, args.host).domains(),
  }),
  domain: t.field({
    type: DomainRef,
    nullable: true,
    args: { name: t.arg.string(), uuid: t.arg.string(), host: t.arg.string() },
    resolve: (_root, args, context, info) => findDomain(context, info, args),
  }),
  access: t.field({
    type: AccessRef,
    resolve: (_root, _args, context) => ({ role: context.role, tokenName: context.tokenName }),
  }),
}));
