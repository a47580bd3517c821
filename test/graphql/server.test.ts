import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';
import { ServerInfoDocument } from './server-info.generated.ts';

describe('the server', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm1' }]);
    server = await startTestServer({ uris: [fixture.uri] });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it('answers /healthz while it runs', async () => {
    const response = await fetch(`${server.origin}/healthz`);

    expect(response.status).toBe(200);
  });

  it('answers /readyz with every host, whether it is connected and watched here', async () => {
    const response = await fetch(`${server.origin}/readyz`);

    expect(response.status).toBe(200);
    // Without replicas, this process watches every host.
    expect(await response.json()).toEqual({
      ready: true,
      hosts: [{ name: fixture.uri, uri: fixture.uri, connected: true, watching: true }],
    });
  });

  it('serves GraphiQL with the example query and subscription to a browser', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(page).toContain('GraphiQL');
    expect(page).toContain('SnapshotTree');
    expect(page).toContain('subscription SnapshotEvents');
  });

  it('describes each host and the caller', async () => {
    const data = await server.data(ServerInfoDocument);

    expect(data.hosts).toEqual([
      {
        id: expect.any(String),
        name: fixture.uri,
        uri: fixture.uri,
        hypervisor: 'TEST',
        libvirtVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        connected: true,
        readOnly: false,
      },
    ]);
    expect(data.access).toEqual({ role: 'OPERATOR', tokenName: null });
  });
});

describe('a server whose only host is unreachable', () => {
  it('answers /readyz with 503', async () => {
    const server = await startTestServer({ uris: ['test:///no/such/file.xml'] });
    try {
      const response = await fetch(`${server.origin}/readyz`);

      expect(response.status).toBe(503);
      expect((await response.json()).hosts[0].connected).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
