import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Where the dashboard's scripts and styles are served; its page is served at `/`. */
export const DASHBOARD_PREFIX = '/dashboard/';

/**
 * The dashboard's folder: the `dashboard/` at the top of the project, found from `from` (this
 * module) upwards, as the module runs from `src/server/` or compiled into
 * `dist/src/server/`. Undefined when no ancestor has one.
 */
export function findDashboardDirectory(from: string | URL = import.meta.url): URL | undefined {
  let directory = new URL('./', from);
  for (;;) {
    const candidate = new URL('dashboard/', directory);
    if (existsSync(new URL('index.html', candidate))) {
      return candidate;
    }

    const parent = new URL('../', directory);
    if (parent.href === directory.href) {
      return undefined;
    }

    directory = parent;
  }
}

// A file name of the folder itself: no slash, no dot segment, no escape, so a request can
// name nothing outside it.
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

// The page runs only its own scripts and styles and talks only to its own origin (HTTP and
// WebSocket); no other site may frame it, so its buttons cannot be clicked through a
// page laid over it.
const PAGE_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Serves the dashboard's files; see {@link dashboardHandler}. */
export type DashboardHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Whether the dashboard answers `path` (the request's path, without its query). */
export function isDashboardPath(path: string): boolean {
  return path === '/' || path.startsWith(DASHBOARD_PREFIX);
}

/** The file of `directory` that `path` names, or undefined when it names none. */
function assetFile(path: string, directory: URL): { url: URL; type: string } | undefined {
  const name = path === '/' ? 'index.html' : path.slice(DASHBOARD_PREFIX.length);
  const match = ASSET_NAME.exec(name);
  const type = match?.[1] === undefined ? undefined : CONTENT_TYPES[match[1]];
  if (type === undefined) {
    return undefined;
  }

  return { url: new URL(name, directory), type };
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  response.end(text);
}

/**
 * The dashboard's page at `/` and its files under {@link DASHBOARD_PREFIX}, read from
 * `directory` on each request (they are small, and an edit shows at the next reload). They
 * need no token: the page asks for one and sends it to `/graphql` itself. Each answer
 * carries an ETag and `Cache-Control: no-cache`, so a browser keeps the files and asks
 * whether they changed, which costs a 304.
 */
export function dashboardHandler(
  directory: URL | undefined = findDashboardDirectory(),
  logger?: Logger,
): DashboardHandler {
  if (directory === undefined) {
    logger?.warn('the dashboard folder was not found: / answers 404');
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      sendText(response, 405, 'The dashboard answers GET and HEAD only.\n');

      return;
    }

    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const asset = directory === undefined ? undefined : assetFile(path, directory);
    if (asset === undefined) {
      sendText(response, 404, 'No such file of the dashboard.\n');

      return;
    }

    let body: Buffer;
    try {
      body = await readFile(asset.url);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        sendText(response, 404, 'No such file of the dashboard.\n');
      } else {
        logger?.error({ err: error, path }, 'could not read a file of the dashboard');
        sendText(response, 500, 'The dashboard could not be read.\n');
      }

      return;
    }

    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (asset.type.startsWith('text/html')) {
      headers['content-security-policy'] = PAGE_POLICY;
      headers['referrer-policy'] = 'no-referrer';
    }

    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers);
      response.end();

      return;
    }

    headers['content-length'] = String(body.length);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  return (request, response) => {
    void serve(request, response);
  };
}
