import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/index.ts';
import { type Connection, type Domain, Libvirt } from '../../src/ffi/index.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';

// test:///default is one driver per process: the server and the test's own connection see
// the same domains. The watcher's timer is an hour, so only lifecycle events make it look.
const URI = 'test:///default';
const COUNT = 20;

let server: TestServer;
let libvirt: Libvirt;
let connection: Connection;

function domainXml(name: string): string {
  return `<domain type='test'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os></domain>`;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`not within ${timeoutMs} ms`);
    }

    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function domainEvents(): DomainEvent[] {
  return [...server.hosts.events.domains.entries()];
}

beforeAll(async () => {
  server = await startTestServer({ uris: [URI], watchIntervalMs: 3_600_000 });
  libvirt = await Libvirt.start({ callThreads: 2 });
  connection = await libvirt.open(URI);
});

afterAll(async () => {
  await libvirt.close();
  await server.stop();
});

describe('lifecycle events', () => {
  it('reports a burst of domains defined, started and stopped, each as itself', async () => {
    const names = Array.from({ length: COUNT }, (_, index) => `burst-${index}`);
    const domains: Domain[] = [];
    for (const name of names) {
      domains.push(await connection.defineDomain(domainXml(name)));
    }

    await until(
      () => names.every((name) => domainEvents().some((e) => e.domainName === name)),
      2_000,
    );
    const defined = domainEvents().filter((event) => names.includes(event.domainName ?? ''));
    expect(defined.map((event) => event.type)).toEqual(names.map(() => 'DEFINED'));
    const uuids = new Map(
      await Promise.all(domains.map(async (d) => [await d.name(), await d.uuid()] as const)),
    );
    for (const event of defined) {
      expect(event.domainUuid).toBe(uuids.get(event.domainName ?? ''));
    }

    // Each domain is now registered on its own: start the odd ones, all at once.
    await server.hosts.watchNow();
    const before = domainEvents().length;
    const odd = domains.filter((_, index) => index % 2 === 1);
    await Promise.all(odd.map((domain) => domain.create()));
    await until(() => domainEvents().length - before >= odd.length, 2_000);

    const started = domainEvents().slice(before);
    expect(started.every((event) => event.type === 'STATE_CHANGED')).toBe(true);
    expect(started.every((event) => event.state === 'RUNNING')).toBe(true);
    expect(started.map((event) => event.domainName).sort()).toEqual(
      names.filter((_, index) => index % 2 === 1).sort(),
    );

    for (const domain of domains) {
      if (await domain.isActive()) {
        await domain.destroy();
      }

      await domain.undefine();
      await domain.free();
    }

    await until(
      () => domainEvents().filter((event) => event.type === 'UNDEFINED').length >= COUNT,
      2_000,
    );
  });
});
