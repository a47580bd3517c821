import { badInput, notFound } from '../errors.ts';
import type { DomainRecord } from '../hosts/host.ts';
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

async function findDomain(
  context: Context,
  args: { name?: string | null; uuid?: string | null; host?: string | null },
): Promise<DomainRecord | null> {
  const byName = args.name !== null && args.name !== undefined;
  const byUuid = args.uuid !== null && args.uuid !== undefined;
  if (byName === byUuid) {
    throw badInput('domain takes exactly one of name and uuid');
  }

  // Without a host, as for `domains`: a host that is down must not hide the others' domains.
  const hosts =
    args.host === null || args.host === undefined
      ? context.hosts.list().filter((host) => host.connected)
      : [hostNamed(context, args.host)];
  const found = (
    await Promise.all(
      hosts.map((host) =>
        byName ? host.domainByName(args.name as string) : host.domainByUuid(args.uuid as string),
      ),
    )
  ).filter((domain) => domain !== null);
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
    resolve: async (_root, args, context) => {
      const hosts =
        args.host === null || args.host === undefined
          ? context.hosts.list().filter((host) => host.connected)
          : [hostNamed(context, args.host)];

      return (await Promise.all(hosts.map((host) => host.domains()))).flat();
    },
  }),
  domain: t.field({
    type: DomainRef,
    nullable: true,
    args: { name: t.arg.string(), uuid: t.arg.string(), host: t.arg.string() },
    resolve: (_root, args, context) => findDomain(context, args),
  }),
  access: t.field({
    type: AccessRef,
    resolve: (_root, _args, context) => ({ role: context.role, tokenName: context.tokenName }),
  }),
}));
