import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, Libvirt } from '../../src/ffi/index.ts';
import type { TokenConfig } from '../../src/server/tokens.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { type QemuDomain, QemuDomains } from '../support/qemu-domain.ts';
import { branchingTree } from '../support/snapshot-trees.ts';
import {
  type FixtureSnapshot,
  type TestDriverFixture,
  testDriverFixture,
} from '../support/test-driver.ts';
import {
  type DrawnSnapshot,
  drawnTree,
  expectedDrawing,
  type ListedSnapshot,
  launchChromium,
  saveScreenshot,
} from './browser.ts';
import { DashboardTestCreateDocument, DashboardTestDomainDocument } from './dashboard.generated.ts';

/**
 * The dashboard at `/`, in Debian's Chromium driven by playwright-core: on the test driver
 * (the tree drawn, create, revert and delete from the page, a tree changed under an open
 * dialog, 5,000 snapshots), with tokens (a viewer sees no button that changes anything), and
 * on libvirtd with QEMU (the page's changes and virsh's, compared with what libvirt lists).
 * Screenshots of the trees are left in test-artifacts/.
 */

const run = promisify(execFile);

// Generous deadlines for a loaded 2-core machine: the contract's 2 seconds for a change made
// elsewhere, and whatever a dialog's round trips take.
const LIVE_DEADLINE_MS = 5000;
const UI_DEADLINE_MS = 10_000;

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await browser?.close();
});

/** The dashboard of `server` in a fresh browser context: its own session, no token. */
async function openDashboard(server: TestServer, hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_DEADLINE_MS);
  await page.goto(`${server.origin}/${hash}`);

  return page;
}

/** Opens a domain from the list at the side and waits for its tree. */
async function selectDomain(page: Page, name: string): Promise<void> {
  await page.locator(`button.domain[data-domain-name="${name}"]`).click();
  await page.locator('#domain-header h2', { hasText: name }).waitFor();
  await page.locator('#domain-header .domain-title').waitFor();
}

/** Polls the drawn tree until it is `expected`. */
async function expectDrawn(page: Page, expected: DrawnSnapshot[], timeout = UI_DEADLINE_MS) {
  await expect.poll(() => drawnTree(page), { timeout }).toEqual(expected);
}

/** The dialog of `kind` once its dry run (or review) has answered `outcome`. */
async function dialogAnswer(page: Page, kind: string, outcome: 'ok' | 'error') {
  const dialog = page.locator(`dialog[open][data-dialog="${kind}"]`);
  await dialog.locator(`.dry-run[data-outcome="${outcome}"]`).waitFor();

  return dialog;
}

/** The tree as the server lists it (for the test driver, libvirt in the server's process). */
async function serverTree(server: TestServer, name: string) {
  const domain = (await server.data(DashboardTestDomainDocument, { name })).domain;
  if (domain === null || domain === undefined) {
    throw new Error(`the server lists no domain called ${name}`);
  }

  const snapshots: ListedSnapshot[] = domain.snapshots.nodes.map((node) => ({
    name: node.name,
    parent: node.parent?.name ?? null,
  }));

  return {
    id: domain.id,
    state: domain.state,
    version: domain.snapshotTreeVersion,
    current: domain.currentSnapshot?.name ?? null,
    snapshots,
  };
}

describe('the dashboard on the test driver', () => {
  const small: FixtureSnapshot[] = [
    { name: 'base', creationTime: 1_700_000_000, description: 'fresh install' },
    { name: 'updates', parent: 'base', creationTime: 1_700_000_100, description: 'upgraded' },
    { name: 'app', parent: 'updates', creationTime: 1_700_000_200, current: true },
    { name: 'experiment', parent: 'base', creationTime: 1_700_000_150, state: 'shutoff' },
    { name: 'exp2', parent: 'experiment', creationTime: 1_700_000_160, state: 'shutoff' },
    { name: 'exp3', parent: 'updates', creationTime: 1_700_000_250, state: 'shutoff' },
  ];
  const big = branchingTree(5000);
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([
      { name: 'vm', snapshots: small },
      { name: 'big', snapshots: big },
    ]);
    // A page size under the big tree's: the page reads it in three pages.
    server = await startTestServer({ uris: [fixture.uri], pageSizeCap: 2000 });
  });

  afterAll(async () => {
    await server?.stop();
    fixture?.dispose();
  });

  it('lists the domains with their state, snapshot count and current snapshot', async () => {
    const page = await openDashboard(server);

    const vm = page.locator('button.domain[data-domain-name="vm"]');
    await expect
      .poll(() => vm.locator('.domain-meta').textContent())
      .toBe('6 snapshots · current “app”');
    expect(await vm.locator('.state').textContent()).toBe('running');
    const bigMeta = page.locator('button.domain[data-domain-name="big"] .domain-meta');
    expect(await bigMeta.textContent()).toBe('5000 snapshots · current “s4999”');
    expect(await page.locator('#identity').textContent()).toBe('operator');
  });

  it('draws the tree with the current snapshot and the path to it marked', async () => {
    const page = await openDashboard(server);
    await selectDomain(page, 'vm');
    const listed = await serverTree(server, 'vm');

    await expectDrawn(page, expectedDrawing(listed.snapshots, listed.current));
    // A tree, not a list: the branch off "base" is drawn a column to the right, joined to it.
    const experiment = page.locator('.tree-row[data-name="experiment"]');
    expect(await experiment.getAttribute('aria-level')).toBe('2');
    expect(await experiment.locator('.guide.tee').count()).toBe(1);
    expect(await page.locator('#current-path').textContent()).toBe('Current: base › updates › app');
    expect(await page.locator('.tree-row[data-name="base"] .description').textContent()).toBe(
      'fresh install',
    );
    await saveScreenshot(page, 'dashboard-test-driver');
  });

  it('creates a snapshot from the page after a review', async () => {
    const page = await openDashboard(server);
    await selectDomain(page, 'vm');
    const before = await serverTree(server, 'vm');

    await page.locator('#create-snapshot').click();
    const dialog = page.locator('dialog[open][data-dialog="create"]');
    await dialog.locator('input[name="name"]').fill('from-page');
    await dialog.locator('textarea[name="description"]').fill('made in the browser');
    await dialog.locator('[data-role="confirm"]').click();
    expect(await dialog.locator('.dry-run').textContent()).toContain(
      'Creates “from-page” of vm under “app”',
    );
    expect(await dialog.locator('.tree-version').textContent()).toBe(
      `Confirmed against expectedTreeVersion ${before.version}`,
    );
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    const after = await serverTree(server, 'vm');
    expect(after.current).toBe('from-page');
    expect(after.snapshots).toContainEqual({ name: 'from-page', parent: 'app' });
    await expectDrawn(page, expectedDrawing(after.snapshots, after.current));
    expect(await page.locator('.tree-row[data-name="from-page"] .description').textContent()).toBe(
      'made in the browser',
    );
  });

  it('reverts from the page, showing the dry run of each choice first', async () => {
    const page = await openDashboard(server);
    await selectDomain(page, 'vm');

    await page.locator('.tree-row[data-name="base"]').click();
    await page.locator('.tree-row[data-name="base"] [data-action="revert"]').click();
    let dialog = await dialogAnswer(page, 'revert', 'ok');
    expect(await dialog.locator('.dry-run').textContent()).toMatch(
      /vm would be running afterwards/,
    );
    await dialog.locator('input[name="targetState"][value="PAUSED"]').check();
    await expect
      .poll(() => dialog.locator('.dry-run').textContent())
      .toMatch(/vm would be paused afterwards/);
    dialog = await dialogAnswer(page, 'revert', 'ok');
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    const after = await serverTree(server, 'vm');
    expect(after).toMatchObject({ current: 'base', state: 'PAUSED' });
    await expectDrawn(page, expectedDrawing(after.snapshots, after.current));
    await expect
      .poll(() => page.locator('button.domain[data-domain-name="vm"] .state').textContent())
      .toBe('paused');
  });

  it('deletes from the page, showing what the dry run deletes and re-parents', async () => {
    const page = await openDashboard(server);
    await selectDomain(page, 'vm');

    await page.locator('.tree-row[data-name="updates"] [data-action="delete"]').click();
    const dialog = await dialogAnswer(page, 'delete', 'ok');
    const answer = await dialog.locator('.dry-run').textContent();
    expect(answer).toContain('Dry run: deletes 1 snapshot: “updates”.');
    expect(answer).toMatch(/Re-parented: (“app”, “exp3”|“exp3”, “app”) \(move up to “base”\)/);
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    const after = await serverTree(server, 'vm');
    expect(after.snapshots.map((snapshot) => snapshot.name)).not.toContain('updates');
    expect(after.snapshots).toContainEqual({ name: 'app', parent: 'base' });
    await expectDrawn(page, expectedDrawing(after.snapshots, after.current));
  });

  it('refuses a confirmation made against a tree that changed since its dry run', async () => {
    const page = await openDashboard(server);
    await selectDomain(page, 'vm');

    await page.locator('.tree-row[data-name="exp2"] [data-action="delete"]').click();
    const dialog = await dialogAnswer(page, 'delete', 'ok');
    // Someone else changes the tree; the page shows it at once, the open dialog still holds
    // the version its dry run was made against.
    const { id } = await serverTree(server, 'vm');
    await server.data(DashboardTestCreateDocument, { domainId: id, name: 'meanwhile' });
    await page.locator('.tree-row[data-name="meanwhile"]').waitFor({ timeout: LIVE_DEADLINE_MS });

    await dialog.locator('[data-role="confirm"]').click();
    await expect
      .poll(() => dialog.locator('.dialog-error').textContent())
      .toMatch(/CONFLICT \(TREE_CHANGED\): .*"meanwhile" created/);
    // The dry run runs again on the tree as it is now; confirming that one deletes.
    await dialogAnswer(page, 'delete', 'ok');
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    const after = await serverTree(server, 'vm');
    expect(after.snapshots.map((snapshot) => snapshot.name)).not.toContain('exp2');
    await expectDrawn(page, expectedDrawing(after.snapshots, after.current));
  });

  it("draws a job's progress bar from libvirt's byte counts", async () => {
    const page = await openDashboard(server);
    await page.locator('#app').waitFor();

    // A running job with bytes needs a guest whose memory takes seconds to save, and even then
    // libvirt reports them only now and then: the panel is given such a report directly.
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const drawn = await page.evaluate(`(async () => {
      const { JobsPanel } = await import('/dashboard/jobs.js');
      const container = document.createElement('section');
      document.body.append(container);
      new JobsPanel(container).report({
        id: 'job-1',
        operation: 'CREATE',
        phase: 'RUNNING',
        snapshotName: 'live',
        dataTotal: 512 * 2 ** 20,
        dataProcessed: 128 * 2 ** 20,
        elapsedMs: 1500,
        error: null,
        domain: { id: 'domain-1', name: 'web' },
      });
      const progress = container.querySelector('progress');

      return {
        value: progress.value,
        max: progress.max,
        title: container.querySelector('.job-title').textContent,
        detail: container.querySelector('.job-detail').textContent,
      };
    })()`);

    expect(drawn).toEqual({
      value: 128 * 2 ** 20,
      max: 512 * 2 ** 20,
      title: 'Creating “live” of web',
      detail: '25% · 128 MiB of 512 MiB · 1.5 s',
    });
  });

  it('draws 5,000 snapshots without freezing, and finds a deep one by name', async () => {
    // The deepest snapshot off the path to the current one: revealing it opens branches.
    const depth = new Map<string, number>();
    for (const snapshot of big) {
      depth.set(
        snapshot.name,
        snapshot.parent === undefined ? 0 : (depth.get(snapshot.parent) ?? 0) + 1,
      );
    }

    const onPath = new Set<string>();
    const parents = new Map(big.map((snapshot) => [snapshot.name, snapshot.parent]));
    for (let name: string | undefined = 's4999'; name !== undefined; name = parents.get(name)) {
      onPath.add(name);
    }

    const deep = big
      .filter((snapshot) => !onPath.has(snapshot.name))
      .reduce((a, b) => ((depth.get(b.name) ?? 0) > (depth.get(a.name) ?? 0) ? b : a));
    const page = await openDashboard(server);
    await selectDomain(page, 'big');

    // It opens on the current snapshot, with few rows made and side branches collapsed.
    await page.locator('.tree-row.current[data-name="s4999"]').waitFor();
    expect(await page.locator('#tree .tree-row').count()).toBeLessThan(200);
    expect(await page.locator('#tree .tree-row[aria-expanded="false"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#domain-header').textContent()).toContain('5000 snapshots');
    const folded = page.locator('#tree .tree-row[aria-expanded="false"]').first();
    const foldedName = await folded.getAttribute('data-name');
    await folded.locator('[data-action="toggle"]').click();
    await expect
      .poll(() =>
        page.locator(`.tree-row[data-name="${foldedName}"]`).getAttribute('aria-expanded'),
      )
      .toBe('true');

    // Scrolling through the whole tree keeps answering frames.
    const scrolled = await page.evaluate(async () => {
      const viewport = document.getElementById('tree') as HTMLElement;
      const started = performance.now();
      for (let step = 0; step <= 20; step++) {
        viewport.scrollTop = (viewport.scrollHeight * step) / 20;
        await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
      }

      return {
        ms: performance.now() - started,
        rows: document.querySelectorAll('#tree .tree-row').length,
      };
    });
    expect(scrolled.ms).toBeLessThan(5000);
    expect(scrolled.rows).toBeLessThan(200);

    await page.locator('#search').fill(deep.name);
    const found = page.locator(`.tree-row.match-focus[data-name="${deep.name}"]`);
    await found.waitFor();
    expect(await found.getAttribute('data-parent')).toBe(deep.parent);
    const row = await found.boundingBox();
    const viewport = await page.locator('#tree').boundingBox();
    expect(row !== null && viewport !== null).toBe(true);
    if (row !== null && viewport !== null) {
      expect(row.y).toBeGreaterThanOrEqual(viewport.y);
      expect(row.y + row.height).toBeLessThanOrEqual(viewport.y + viewport.height);
    }

    expect(await page.locator('#search-count').textContent()).toMatch(/^1 of \d+$/);
    expect(await page.locator('#details h3').textContent()).toBe(deep.name);
    await saveScreenshot(page, 'dashboard-5000');
  });
});

describe('the dashboard on a server with tokens', () => {
  const tokens: TokenConfig[] = [
    { role: 'viewer', token: 'viewer-Zq7x3Lm2Pw9', name: 'wall', source: 'test' },
    { role: 'operator', token: 'operator-Hk4v8Rt1Yd6', name: 'alice', source: 'test' },
  ];
  let fixture: TestDriverFixture;
  let server: TestServer;

  beforeAll(async () => {
    fixture = testDriverFixture([
      { name: 'vm', snapshots: [{ name: 'one' }, { name: 'two', parent: 'one', current: true }] },
    ]);
    server = await startTestServer({ uris: [fixture.uri], config: { tokens } });
  });

  afterAll(async () => {
    await server?.stop();
    fixture?.dispose();
  });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.locator('#token-input').fill(token);
    await page.locator('#login-form button[type="submit"]').click();
  }

  it('asks for a token and shows a viewer no button that changes snapshots', async () => {
    const page = await openDashboard(server);

    await page.locator('#login').waitFor();
    await signIn(page, 'not-a-token');
    await expect
      .poll(() => page.locator('#login-error').textContent())
      .toBe('The server does not accept that token.');

    await signIn(page, 'viewer-Zq7x3Lm2Pw9');
    await page.locator('.tree-row[data-name="two"]').waitFor();
    expect(await page.locator('#identity').textContent()).toBe('viewer · wall');
    expect(await page.locator('#create-snapshot').count()).toBe(0);
    expect(await page.locator('[data-action="revert"], [data-action="delete"]').count()).toBe(0);

    // Kept for this tab's session only: a reload needs no token, local storage holds none.
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: localStorage.length,
    }));
    expect(stored).toEqual({ session: ['viewer-Zq7x3Lm2Pw9'], local: 0 });
    await page.reload();
    await page.locator('.tree-row[data-name="two"]').waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
  });

  it('shows an operator the buttons to create, revert and delete', async () => {
    const page = await openDashboard(server);

    await signIn(page, 'operator-Hk4v8Rt1Yd6');
    await page.locator('.tree-row[data-name="two"]').waitFor();
    expect(await page.locator('#identity').textContent()).toBe('operator · alice');
    expect(await page.locator('#create-snapshot').count()).toBe(1);
    expect(await page.locator('[data-action="revert"]').count()).toBe(2);
    expect(await page.locator('[data-action="delete"]').count()).toBe(2);
  });
});

describe('the dashboard on libvirtd with QEMU', () => {
  const URI = 'qemu:///system';
  let libvirt: Libvirt;
  let connection: Connection;
  const domains = new QemuDomains(() => connection);
  let qemu: QemuDomain;
  let server: TestServer;
  let page: Page;

  async function virsh(...args: string[]): Promise<string> {
    return (await run('virsh', ['-q', '-c', URI, ...args])).stdout;
  }

  /** The domain's snapshots and current one, as virsh lists them. */
  async function libvirtTree(): Promise<DrawnSnapshot[]> {
    // Each line: name, creation date, time and zone, state, and the parent unless a root.
    const lines = (await virsh('snapshot-list', qemu.name, '--parent')).trim().split('\n');
    const snapshots = lines
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [name = '', , , , , parent] = line.trim().split(/\s+/);

        return { name, parent: parent ?? null };
      });
    const current = (await virsh('snapshot-current', qemu.name, '--name')).trim();

    return expectedDrawing(snapshots, current);
  }

  beforeAll(async () => {
    libvirt = await Libvirt.start({ callThreads: 2 });
    connection = await libvirt.open(URI);
    qemu = await domains.create();
    server = await startTestServer({ uris: [URI] });
    page = await openDashboardKept(server);
  });

  afterAll(async () => {
    await page?.context().close();
    await server?.stop();
    await domains.disposeAll();
    await connection?.close();
    await libvirt?.close();
  });

  /** One page for the whole describe: each step goes on from the last. */
  async function openDashboardKept(on: TestServer): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const opened = await context.newPage();
    opened.setDefaultTimeout(UI_DEADLINE_MS);
    await opened.goto(`${on.origin}/`);

    return opened;
  }

  it('creates a snapshot in the page, reporting its job', async () => {
    await selectDomain(page, qemu.name);
    expect(await page.locator('#tree .tree-empty').textContent()).toBe('No snapshots yet.');

    await page.locator('#create-snapshot').click();
    const dialog = page.locator('dialog[open][data-dialog="create"]');
    await dialog.locator('input[name="name"]').fill('first');
    await dialog.locator('textarea[name="description"]').fill('from the dashboard');
    await dialog.locator('[data-role="confirm"]').click();
    expect(await dialog.locator('.dry-run').textContent()).toContain('as a root');
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    await page
      .locator('.job', { hasText: `Creating “first” of ${qemu.name}` })
      .waitFor({ timeout: LIVE_DEADLINE_MS });
    const listed = await libvirtTree();
    expect(listed).toEqual([{ name: 'first', parent: null, current: true, onPath: true }]);
    await expectDrawn(page, listed);
  });

  it('shows a snapshot made with virsh within seconds, without a reload', async () => {
    await page.evaluate(() => {
      (window as unknown as { unreloaded: boolean }).unreloaded = true;
    });

    await virsh('snapshot-create-as', qemu.name, 'second', '--description', 'by virsh');
    const listed = await libvirtTree();
    expect(listed).toEqual([
      { name: 'first', parent: null, current: false, onPath: true },
      { name: 'second', parent: 'first', current: true, onPath: true },
    ]);
    await expectDrawn(page, listed, LIVE_DEADLINE_MS);
    expect(await page.evaluate(() => 'unreloaded' in window)).toBe(true);
  });

  it('reverts from the page after its dry run', async () => {
    await page.locator('.tree-row[data-name="first"] [data-action="revert"]').click();
    const dialog = await dialogAnswer(page, 'revert', 'ok');
    expect(await dialog.locator('.dry-run').textContent()).toContain(
      `${qemu.name} would be shutoff afterwards (it is shutoff now)`,
    );
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    const listed = await libvirtTree();
    expect(listed.find((snapshot) => snapshot.current)?.name).toBe('first');
    await expectDrawn(page, listed);
  });

  it('deletes from the page after its dry run', async () => {
    await page.locator('.tree-row[data-name="second"] [data-action="delete"]').click();
    const dialog = await dialogAnswer(page, 'delete', 'ok');
    expect(await dialog.locator('.dry-run').textContent()).toBe(
      'Dry run: deletes 1 snapshot: “second”.',
    );
    await dialog.locator('[data-role="confirm"]').click();
    await page.locator('dialog[open]').waitFor({ state: 'hidden' });

    const listed = await libvirtTree();
    expect(listed).toEqual([{ name: 'first', parent: null, current: true, onPath: true }]);
    await expectDrawn(page, listed);
    await saveScreenshot(page, 'dashboard-qemu');
  });
});
