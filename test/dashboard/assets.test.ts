import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDashboardDirectory } from '../../src/server/dashboard.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';

describe("the dashboard's files", () => {
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([{ name: 'vm' }]);
    // With tokens: the page and its files need none, the API still does.
    server = await startTestServer({
      uris: [fixture.uri],
      config: { tokens: [{ role: 'viewer', token: 'assets-t0ken', name: null, source: 'test' }] },
    });
  });

  afterAll(async () => {
    await server?.stop();
    fixture?.dispose();
  });

  it('serves the page at / without a token, and keeps /graphql behind one', async () => {
    const page = await fetch(`${server.origin}/`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<script type="module" src="/dashboard/app.js">');

    const api = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ access { role } }' }),
    });
    expect(api.status).toBe(401);
  });

  it('keeps GraphiQL on /graphql', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GraphiQL');
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['snapshot-tree.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
  ])('serves /dashboard/%s as %s', async (name, type) => {
    const response = await fetch(`${server.origin}/dashboard/${name}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
  });

  it('answers 304 to a request that has the file already', async () => {
    const first = await fetch(`${server.origin}/dashboard/app.js`);
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${server.origin}/dashboard/app.js`, {
      headers: { 'if-none-match': etag },
    });

    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it.each([
    '/dashboard/../package.json',
    '/dashboard/%2e%2e/package.json',
    '/dashboard/..%2fpackage.json',
    '/dashboard/%2e%2e%2fsrc%2fmain.ts',
    '/dashboard/',
    '/dashboard/no-such-file.js',
    '/dashboard/README.md',
    '/dashboard/.hidden.js',
  ])('answers 404 to %s', async (path) => {
    // fetch() would resolve the dot segments itself; a raw path is sent as it is.
    const response = await rawGet(server.origin, path);

    expect(response.status).toBe(404);
    expect(response.body).not.toContain('"name"');
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    const post = await fetch(`${server.origin}/`, { method: 'POST', body: 'x' });
    const head = await fetch(`${server.origin}/dashboard/style.css`, { method: 'HEAD' });

    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('finds its folder from the sources and from the compiled server alike', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vsg-dashboard-'));
    try {
      await writeFile(join(root, 'package.json'), '{}');
      await mkdir(join(root, 'dashboard'));
      await writeFile(join(root, 'dashboard', 'index.html'), '<!doctype html>');
      const expected = pathToFileURL(join(root, 'dashboard/')).href;

      for (const module of ['src/server/dashboard.ts', 'dist/src/server/dashboard.js']) {
        expect(findDashboardDirectory(pathToFileURL(join(root, module)))?.href).toBe(expected);
      }

      expect(findDashboardDirectory()?.href).toBe(
        new URL('../../dashboard/', import.meta.url).href,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** A GET of `path` exactly as written, dot segments and escapes included. */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);

  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
