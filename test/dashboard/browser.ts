import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, which scripts/setup.sh installs for the tests. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests leave their screenshots. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Starts a headless Chromium; `close()` it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the networking switches Chromium reaches for Google's services at start, and
    // on a closed network its own connections are refused.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a screenshot of `page` as `test-artifacts/NAME.png`; answers its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path });

  return path;
}

/** One snapshot as the page draws it: its row's name, its parent's and the marks. */
export interface DrawnSnapshot {
  name: string;
  parent: string | null;
  current: boolean;
  onPath: boolean;
}

/**
 * The snapshots whose rows the page has drawn now, sorted by name. The page draws the rows in
 * view only: for a small tree, that is every snapshot.
 */
export async function drawnTree(page: Page): Promise<DrawnSnapshot[]> {
  const rows = await page.locator('#tree .tree-row').evaluateAll((elements) =>
    elements.map((element) => ({
      name: element.getAttribute('data-name') ?? '',
      parent: element.getAttribute('data-parent') || null,
      current: element.classList.contains('current'),
      onPath: element.classList.contains('on-path'),
    })),
  );

  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A snapshot as libvirt (or the server) lists it, for comparison with {@link drawnTree}. */
export interface ListedSnapshot {
  name: string;
  parent: string | null;
}

/**
 * What the page should draw for a tree that libvirt lists as `snapshots` with `current`: every
 * snapshot under its parent, the current one marked, and it and its ancestors on the path.
 */
export function expectedDrawing(
  snapshots: ListedSnapshot[],
  current: string | null,
): DrawnSnapshot[] {
  const parents = new Map(snapshots.map((snapshot) => [snapshot.name, snapshot.parent]));
  const path = new Set<string>();
  for (let name = current; name !== null && name !== undefined; name = parents.get(name) ?? null) {
    path.add(name);
  }

  return snapshots
    .map((snapshot) => ({
      name: snapshot.name,
      parent: snapshot.parent,
      current: snapshot.name === current,
      onPath: path.has(snapshot.name),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
