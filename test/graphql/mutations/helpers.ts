import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { expect } from 'vitest';
import type { TestServer } from '../../support/graphql-server.ts';
import type { TestDriverFixture } from '../../support/test-driver.ts';
import { MutationsTreeDocument } from './mutations.generated.ts';

/**
 * What libvirt holds for one domain, as the server lists it: what a mutation must change as
 * asked, and what a failed one must leave exactly as it was.
 */
export interface DomainListing {
  domainId: string;
  uuid: string;
  state: string;
  /** The current snapshot's name; null when there is none. */
  current: string | null;
  /** Every snapshot's parent by snapshot name; null for a root. */
  parents: Record<string, string | null>;
  /** Every snapshot's ID by snapshot name. */
  ids: Record<string, string>;
}

/** Lists the domain called `domain` over HTTP; fails the test when it is not there. */
export async function listDomain(server: TestServer, domain: string): Promise<DomainListing> {
  const data = await server.data(MutationsTreeDocument, { domain });
  const found = data.domain;
  if (found === null) {
    throw new Error(`the server lists no domain called ${domain}`);
  }

  const nodes = found.snapshots.nodes;
  const current = found.currentSnapshot?.name ?? null;
  // Snapshot.isCurrent and Domain.currentSnapshot are read from the same listing: they agree.
  expect(nodes.filter((node) => node.isCurrent).map((node) => node.name)).toEqual(
    current === null ? [] : [current],
  );

  return {
    domainId: found.id,
    uuid: found.uuid,
    state: found.state,
    current,
    parents: Object.fromEntries(nodes.map((node) => [node.name, node.parent?.name ?? null])),
    ids: Object.fromEntries(nodes.map((node) => [node.name, node.id])),
  };
}

/** A failed operation: its one error's code, reason, libvirt details and message. */
export interface Refusal {
  code: unknown;
  reason: unknown;
  libvirt: unknown;
  message: string;
}

/**
 * Sends `document` and returns its one error, failing the test when the operation succeeded,
 * returned data beside the error or failed more than once.
 */
export async function refusal<R, V>(
  server: TestServer,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<Refusal> {
  const response = await server.request(document, variables);
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors ?? [];
  if (error === undefined) {
    throw new Error('expected one error');
  }

  return {
    code: error.extensions?.code,
    reason: error.extensions?.reason,
    libvirt: error.extensions?.libvirt,
    message: error.message,
  };
}

/** The disk of the domain {@link diskDomainFixture} writes. */
export const FIXTURE_DISK = { target: 'vda', file: '/var/lib/vsg-fixture/disk.qcow2' } as const;

/**
 * A test-driver fixture with one domain, `name`, that has a qcow2 disk: the shared fixture
 * writer makes domains without devices, and a snapshot can only name a disk the domain has.
 */
export function diskDomainFixture(name: string): TestDriverFixture {
  const directory = mkdtempSync(join(tmpdir(), 'vsg-disk-fixture-'));
  const file = join(directory, 'node.xml');
  writeFileSync(
    file,
    `<node>
  <domain type='test'>
    <name>${name}</name>
    <memory>65536</memory>
    <os><type>hvm</type></os>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2'/>
        <source file='${FIXTURE_DISK.file}'/>
        <target dev='${FIXTURE_DISK.target}' bus='virtio'/>
      </disk>
    </devices>
  </domain>
</node>
`,
  );

  return {
    uri: `test://${file}`,
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}
