import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { type Connection, Libvirt } from '../../src/ffi/index.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { type QemuDomain, QemuDomains } from '../support/qemu-domain.ts';
import { SecondDaemon } from '../support/second-daemon.ts';
import { testDriverFixture } from '../support/test-driver.ts';
import { ManyHostsDomainNamedDocument, ManyHostsDomainsDocument } from './many-hosts.generated.ts';

// Two libvirt hosts from one config file: the system libvirtd with QEMU (`local`), and a
// second libvirtd's test driver reached over its own socket (`lab`), which is killed halfway
// and started again.
const QEMU = 'qemu:///system';

let libvirt: Libvirt;
let connection: Connection;
let second: SecondDaemon;
let server: TestServer;
let vm: QemuDomain;
const domains = new QemuDomains(() => connection);

async function until(what: string, condition: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`waited ${ms} ms for ${what}`);
    }

    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Hosts.connected, from an answer that may also say that a host was left out.
async function connected(name: string): Promise<boolean> {
  const { data } = await server.request(ManyHostsDomainsDocument);

  return data?.hosts.find((host) => host.name === name)?.connected ?? false;
}

beforeAll(async () => {
  libvirt = await Libvirt.start({ callThreads: 2 });
  connection = await libvirt.open(QEMU);
  vm = await domains.create();
  second = new SecondDaemon();
  await second.start();
  const file = join(second.directory, 'config.yaml');
  writeFileSync(
    file,
    [
      'hosts:',
      `  - { name: local, uri: "${QEMU}" }`,
      `  - name: lab`,
      `    uri: "${second.uri}"`,
      '    readOnly: true',
      '    keepAlive: { interval: 1, count: 2 }',
      'watchInterval: 500',
      '',
    ].join('\n'),
  );
  const config = readConfig(['--config', file, '--port', '0'], {});
  server = await startTestServer({ config: { ...config, logLevel: 'silent', callThreads: 2 } });
});

afterAll(async () => {
  await server?.stop();
  await second?.dispose();
  await domains.disposeAll();
  await connection?.close();
  await libvirt?.close();
});

describe('a server with two hosts from a config file', () => {
  it('lists both hosts by the names the file gives, and the domains of both', async () => {
    const { hosts, domains: found } = await server.data(ManyHostsDomainsDocument);

    expect(hosts).toEqual([
      { name: 'local', connected: true },
      { name: 'lab', connected: true },
    ]);
    expect(found).toContainEqual({ name: vm.name, host: { name: 'local' } });
    expect(found).toContainEqual({ name: 'test', host: { name: 'lab' } });
  });

  it('keeps answering from the other host while one is down, and says which is missing', async () => {
    await second.kill();
    await until('lab to be disconnected', async () => !(await connected('lab')));

    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      hosts: [
        { name: 'local', connected: true },
        { name: 'lab', connected: false },
      ],
    });

    const answer = await server.request(ManyHostsDomainsDocument);
    expect(answer.data?.domains).toContainEqual({ name: vm.name, host: { name: 'local' } });
    expect(answer.data?.domains.some((domain) => domain.host.name === 'lab')).toBe(false);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        path: ['domains'],
        extensions: { code: 'UNAVAILABLE', host: 'lab' },
      }),
    ]);

    const named = await server.request(ManyHostsDomainNamedDocument, { name: vm.name });
    expect(named.data?.domain).toEqual({ name: vm.name, host: { name: 'local' } });
    expect(named.errors?.map((error) => error.extensions?.host)).toEqual(['lab']);
  });

  it('connects again once the host is back, with backoff, and answers from both', async () => {
    await second.start();
    await until('lab to be connected again', () => connected('lab'), 40_000);

    const answer = await server.request(ManyHostsDomainsDocument);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.domains).toContainEqual({ name: 'test', host: { name: 'lab' } });
    expect(answer.data?.domains).toContainEqual({ name: vm.name, host: { name: 'local' } });
  }, 60_000);
});

describe('keep-alive settings', () => {
  it('probes a host whose settings ask for it, and not one whose settings turn it off', async () => {
    const probed = testDriverFixture([{ name: 'a' }]);
    const quiet = testDriverFixture([{ name: 'b' }]);
    const keepAlive = await startTestServer({
      config: {
        hosts: [
          {
            name: 'probed',
            uri: probed.uri,
            readOnly: false,
            keepAlive: { interval: 5, count: 3 },
          },
          { name: 'quiet', uri: quiet.uri, readOnly: false, keepAlive: null },
        ],
      },
    });
    try {
      const calls = await keepAlive.hosts.libvirtCallCounts();

      // The test driver refuses keep-alive; what counts is that only one host asked for it.
      expect(calls.virConnectSetKeepAlive).toBe(1);
      expect(calls.virConnectOpen).toBe(2);
    } finally {
      await keepAlive.stop();
      probed.dispose();
      quiet.dispose();
    }
  });
});
