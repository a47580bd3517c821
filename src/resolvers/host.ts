import { Host } from '../hosts/host.ts';
import { builder } from './builder.ts';
import { DomainRef } from './domain.ts';

/** A libvirt host as the graph shows it. */
export const HostRef = builder.objectRef<Host>('Host');

builder.node(HostRef, {
  description: 'One libvirt connection, as configured',
  id: { resolve: (host) => host.name },
  isTypeOf: (value) => value instanceof Host,
  loadOne: (name, context) => context.hosts.byName(name) ?? null,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'As configured; the URI when none was given' }),
    uri: t.exposeString('uri'),
    connected: t.exposeBoolean('connected'),
    readOnly: t.exposeBoolean('readOnly'),
    libvirtVersion: t.exposeString('libvirtVersion', { description: 'e.g. "9.0.0"' }),
    hypervisor: t.exposeString('hypervisor', {
      description: 'virConnectGetType as is: "QEMU", "TEST"',
    }),
    domains: t.field({
      type: [DomainRef],
      description: 'Empty while the host is not connected (see connected)',
      resolve: (host) => (host.connected ? host.domains() : []),
    }),
  }),
});
