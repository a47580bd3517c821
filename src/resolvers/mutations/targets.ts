import { notFound } from '../../errors.ts';
import type { DomainRecord } from '../../hosts/host.ts';
import { expectGlobalID } from '../builder.ts';
import type { Context } from '../context.ts';
import { decodeKey } from '../ids.ts';

/**
 * The domain a mutation's `domainId` names; NOT_FOUND when it is gone. A read-only host or a
 * domain with a mutation running is refused before the domain is looked up in libvirt.
 */
export async function domainFromId(context: Context, id: string): Promise<DomainRecord> {
  const [hostName, uuid] = decodeKey(expectGlobalID(id, 'Domain'), 2) as [string, string];
  const host = context.hosts.byName(hostName);
  host?.assertMutable(uuid);
  const domain = host === undefined ? null : await host.domainByUuid(uuid);
  if (domain === null) {
    throw notFound('the domain of this ID no longer exists');
  }

  return domain;
}

/**
 * The domain and snapshot name a mutation's `snapshotId` names, refused like
 * {@link domainFromId}.
 */
export async function snapshotFromId(
  context: Context,
  id: string,
): Promise<{ domain: DomainRecord; name: string }> {
  const [hostName, uuid, name] = decodeKey(expectGlobalID(id, 'Snapshot'), 3) as [
    string,
    string,
    string,
  ];
  const host = context.hosts.byName(hostName);
  host?.assertMutable(uuid);
  const domain = host === undefined ? null : await host.domainByUuid(uuid);
  if (domain === null) {
    throw notFound('the domain of this snapshot ID no longer exists');
  }

  return { domain, name };
}
