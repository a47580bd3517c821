import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';
import { MetricsCreateDocument, MetricsTreeDocument } from './metrics.generated.ts';

const OPERATOR = 'Jx7rN1pqL0aZ6sKc2DdY8g';

/** The value of the sample `name{labels}` in a Prometheus text page; 0 when absent. */
function sample(page: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of page.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    const have = match?.[2]?.split(',') ?? [];
    if (match?.[1] === name && wanted.every((label) => have.includes(label))) {
      return Number(match[3]);
    }
  }

  return 0;
}

describe('/metrics', () => {
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

  async function page(): Promise<string> {
    const response = await fetch(`${server.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    return response.text();
  }

  it('counts libvirt calls, queries’ tree lookups, mutations and events as they happen', async () => {
    const before = await page();
    const { domains } = await server.data(MetricsTreeDocument);
    const domainId = domains.find((domain) => domain.name === 'vm1')?.id as string;
    await server.data(MetricsCreateDocument, { domainId, name: 'm1' });
    await server.request(MetricsCreateDocument, { domainId, name: 'm1' });
    await server.data(MetricsTreeDocument);
    const after = await page();
    const grew = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);

    expect(grew('vsg_mutations_total', { mutation: 'createSnapshot', outcome: 'ok' })).toBe(1);
    expect(grew('vsg_mutations_total', { mutation: 'createSnapshot', outcome: 'CONFLICT' })).toBe(
      1,
    );
    expect(grew('vsg_events_total', { log: 'snapshots', type: 'CREATED', origin: 'API' })).toBe(1);
    expect(grew('vsg_libvirt_calls_total', { call: 'snapshotCreateXML', outcome: 'ok' })).toBe(1);
    // Each query glances at the domain; the histogram times every call the counter counts.
    const glances = grew('vsg_libvirt_call_seconds_count', { call: 'snapshotCountAndCurrent' });
    expect(glances).toBeGreaterThanOrEqual(2);
    expect(grew('vsg_libvirt_calls_total', { call: 'snapshotCountAndCurrent' })).toBe(glances);
    expect(grew('vsg_tree_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(2);
    expect(grew('vsg_tree_lookups_total', { result: 'read' })).toBe(0);
    expect(sample(after, 'vsg_host_connected', { host: fixture.uri })).toBe(1);
    expect(sample(after, 'vsg_subscribers', { log: 'snapshots' })).toBe(0);
    expect(after).toContain('process_resident_memory_bytes');
  });
});

describe('/metrics on a server with tokens', () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm1' }]);
    server = await startTestServer({
      uris: [fixture.uri],
      config: { tokens: [{ role: 'viewer', token: OPERATOR, name: 'prometheus', source: 'test' }] },
    });
  });

  afterAll(async () => {
    await server.stop();
    fixture.dispose();
  });

  it('needs a token', async () => {
    const refused = await fetch(`${server.origin}/metrics`);
    const allowed = await fetch(`${server.origin}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR}` },
    });

    expect(refused.status).toBe(401);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('vsg_host_connected');
  });
});
