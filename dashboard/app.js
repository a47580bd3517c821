/**
 * The dashboard: hosts and their domains at the side, the selected domain's snapshot tree in
 * the middle, kept up to date by `snapshotEvents`, `snapshotJobs` and `domainEvents`; for an
 * operator, create, revert and delete from the tree.
 */
import { openCreateDialog, openDeleteDialog, openRevertDialog } from './dialogs.js';
import {
  describeError,
  GraphQLRequestError,
  request,
  storedToken,
  storeToken,
} from './graphql-client.js';
import { JobsPanel } from './jobs.js';
import { LiveConnection } from './live.js';
import {
  ACCESS,
  DOMAIN_EVENTS,
  DOMAIN_TREE,
  HOSTS,
  SNAPSHOT_EVENTS,
  SNAPSHOT_JOBS,
} from './operations.js';
import { SnapshotTree, toRecord } from './snapshot-tree.js';
import { formatTime, label, TreeView } from './tree-view.js';

// How long after the last event of a burst the page checks its tree against the domain's
// count and current snapshot, and reads it again when they differ.
const CHECK_DELAY_MS = 600;
// How long a changed row stays marked.
const CHANGED_MS = 3000;
// How long an informative message stays; errors stay until closed.
const INFO_MS = 8000;
// A tree read page by page is read again from the start when it changed in between.
const READ_ATTEMPTS = 3;

const $ = (id) => document.getElementById(id);

const page = {
  app: $('app'),
  login: $('login'),
  loginForm: $('login-form'),
  tokenInput: $('token-input'),
  loginError: $('login-error'),
  hosts: $('hosts'),
  domainHeader: $('domain-header'),
  details: $('details'),
  messages: $('messages'),
  liveStatus: $('live-status'),
  identity: $('identity'),
  signOut: $('sign-out'),
  search: $('search'),
  searchCount: $('search-count'),
  dialog: $('action-dialog'),
};

const state = {
  /** @type {{ role: 'VIEWER' | 'OPERATOR', tokenName: string | null } | null} */
  access: null,
  hosts: [],
  /** The selected domain, without its snapshots. */
  domain: null,
  /** @type {SnapshotTree | null} */
  tree: null,
  /** @type {Set<string>} snapshots whose descendants are hidden */
  collapsed: new Set(),
  /** @type {string | null} */
  selectedId: null,
  /** @type {string[]} */
  matches: [],
  matchIndex: -1,
  /** @type {Set<string>} */
  changed: new Set(),
  /** The domain being read, whose events wait in `waiting` until it is. */
  loadingId: null,
  waiting: [],
  loads: 0,
};

const view = new TreeView($('tree'), {
  onToggle: toggle,
  onSelect: (id) => {
    state.selectedId = id;
    renderDomain();
  },
  onAction: (action, id) => {
    if (action === 'revert') {
      openRevertDialog(page.dialog, dialogContext(), id);
    } else {
      openDeleteDialog(page.dialog, dialogContext(), id);
    }
  },
});
const jobs = new JobsPanel($('jobs'));

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }

  if (text !== undefined) {
    node.textContent = text;
  }

  return node;
}

/** A line in the message area: informative ones go by themselves, errors stay until closed. */
function say(text, kind = 'info') {
  const line = element('div', `message ${kind}`);
  line.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const close = element('button', 'message-close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close the message');
  close.addEventListener('click', () => line.remove());
  line.append(element('span', 'message-text', text), close);
  page.messages.append(line);
  while (page.messages.children.length > 5) {
    page.messages.firstElementChild?.remove();
  }

  if (kind !== 'error') {
    setTimeout(() => line.remove(), INFO_MS);
  }
}

/** Whether the caller may change the selected domain's snapshots. */
function canMutate() {
  return state.access?.role === 'OPERATOR' && state.domain?.host.readOnly === false;
}

// --- signing in -------------------------------------------------------------------------

function showLogin(reason) {
  page.app.hidden = true;
  page.login.hidden = false;
  page.loginError.textContent = reason ?? '';
  page.tokenInput.focus();
}

page.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = page.tokenInput.value.trim();
  if (token === '') {
    page.loginError.textContent = 'Enter a token.';

    return;
  }

  try {
    const data = await request(ACCESS, {}, { token });
    storeToken(token);
    page.tokenInput.value = '';
    page.login.hidden = true;
    start(data.access);
  } catch (error) {
    page.loginError.textContent =
      error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED'
        ? 'The server does not accept that token.'
        : describeError(error);
  }
});

page.signOut.addEventListener('click', () => {
  storeToken(null);
  location.reload();
});

// --- live -------------------------------------------------------------------------------

let live;

function start(access) {
  state.access = access;
  const role = access.role === 'OPERATOR' ? 'operator' : 'viewer';
  page.identity.textContent = access.tokenName === null ? role : `${role} · ${access.tokenName}`;
  page.identity.dataset.role = access.role;
  page.signOut.hidden = storedToken() === null;
  page.app.hidden = false;

  live?.close();
  live = new LiveConnection({
    token: storedToken(),
    onStatus: (status, detail) => {
      page.liveStatus.dataset.status = status;
      page.liveStatus.textContent =
        status === 'live' ? 'live' : detail === undefined ? status : `${status}: ${detail}`;
    },
    onReconnect: () => {
      // Whatever changed while the socket was down came without events: read it again.
      void loadHosts();
      if (state.domain !== null) {
        void loadDomain(state.domain.id, true);
      }
    },
    onForbidden: () => {
      storeToken(null);
      showLogin('The server no longer accepts the token of this session.');
    },
  });
  const failed = (what) => (errors) =>
    say(`The ${what} subscription failed: ${errors?.[0]?.message ?? 'no reason given'}`, 'error');
  live.subscribe(SNAPSHOT_EVENTS, {
    next: (payload) => onSnapshotEvent(payload.data?.snapshotEvents),
    error: failed('snapshotEvents'),
  });
  live.subscribe(SNAPSHOT_JOBS, {
    next: (payload) => {
      if (payload.data?.snapshotJobs) {
        jobs.report(payload.data.snapshotJobs);
      }
    },
    error: failed('snapshotJobs'),
  });
  live.subscribe(DOMAIN_EVENTS, {
    next: (payload) => onDomainEvent(payload.data?.domainEvents),
    error: failed('domainEvents'),
  });

  void loadHosts().then(() => selectFromHash());
}

function onSnapshotEvent(event) {
  if (!event) {
    return;
  }

  if (event.domain !== null) {
    updateListedDomain(event.domain);
  }

  const domainId = event.domain?.id;
  if (domainId !== undefined && domainId === state.loadingId) {
    state.waiting.push(event);

    return;
  }

  if (state.tree === null || domainId === undefined || domainId !== state.domain?.id) {
    return;
  }

  applyEvent(event);
  markChanged(event.snapshotId);
  scheduleCheck();
  renderDomainSoon();
}

/** One snapshot event on the tree in the page. */
function applyEvent(event) {
  if (event.type === 'DELETED') {
    state.tree.remove(event.snapshotId);
    state.collapsed.delete(event.snapshotId);
    if (state.selectedId === event.snapshotId) {
      state.selectedId = null;
    }
  } else if (event.snapshot !== null) {
    state.tree.upsert(toRecord(event.snapshot));
  }

  if (event.domain !== null) {
    applyDomainSummary(event.domain);
  }
}

/** What an event or a mutation says of the domain: state, count, version, current. */
function applyDomainSummary(summary) {
  if (state.domain === null || summary.id !== state.domain.id) {
    return;
  }

  state.domain = { ...state.domain, ...summary };
  if (state.tree !== null) {
    state.tree.currentId = summary.currentSnapshot?.id ?? null;
  }

  updateListedDomain(summary);
}

function onDomainEvent(event) {
  if (!event) {
    return;
  }

  if (event.type === 'STATE_CHANGED' && event.domain !== null && event.state !== null) {
    updateListedDomain({ id: event.domain.id, state: event.state });
    if (state.domain?.id === event.domain.id) {
      state.domain = { ...state.domain, state: event.state };
      renderDomainSoon();
    }

    return;
  }

  // Defined, undefined, a host that came or went: the list changes.
  scheduleHosts();
}

let changedTimer;

/** Marks a snapshot's row for a moment; a burst of events is unmarked at once, after it. */
function markChanged(id) {
  state.changed.add(id);
  clearTimeout(changedTimer);
  changedTimer = setTimeout(() => {
    state.changed.clear();
    renderDomainSoon();
  }, CHANGED_MS);
}

let domainFrame = 0;

/** Draws the domain at the next frame: a burst of events costs one layout, not one each. */
function renderDomainSoon() {
  if (domainFrame === 0) {
    domainFrame = requestAnimationFrame(() => {
      domainFrame = 0;
      renderDomain();
    });
  }
}

let checkTimer;

/**
 * After a burst of events, compares the tree with the domain's count and current snapshot
 * as the server last reported them, and reads the tree again when they differ.
 */
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    const { domain, tree } = state;
    if (domain === null || tree === null || state.loadingId !== null) {
      return;
    }

    const current = domain.currentSnapshot?.id ?? null;
    if (tree.size !== domain.snapshotCount || tree.currentId !== current) {
      void loadDomain(domain.id, true);
    }
  }, CHECK_DELAY_MS);
}

// --- hosts and domains ------------------------------------------------------------------

async function loadHosts() {
  try {
    // A host left out of the answer (not connected) comes as an error beside the others.
    const data = await request(
      HOSTS,
      {},
      { onErrors: (errors) => say(errors[0].message, 'error') },
    );
    state.hosts = data.hosts;
  } catch (error) {
    say(`The hosts could not be read. ${describeError(error)}`, 'error');

    return;
  }

  renderHosts();
  if (state.domain !== null && findListedDomain(state.domain.id) === undefined) {
    say(`${state.domain.name} is no longer there.`, 'error');
    clearDomain('The domain is gone. Choose another.');
  }
}

let hostsTimer;

function scheduleHosts() {
  clearTimeout(hostsTimer);
  hostsTimer = setTimeout(() => void loadHosts(), 300);
}

function findListedDomain(id) {
  for (const host of state.hosts) {
    const domain = host.domains.find((candidate) => candidate.id === id);
    if (domain !== undefined) {
      return domain;
    }
  }

  return undefined;
}

/** Copies what an event says of a domain into the list at the side. */
function updateListedDomain(summary) {
  const listed = findListedDomain(summary.id);
  if (listed !== undefined) {
    Object.assign(listed, summary);
    renderHostsSoon();
  }
}

let hostsFrame = 0;

function renderHostsSoon() {
  if (hostsFrame === 0) {
    hostsFrame = requestAnimationFrame(() => {
      hostsFrame = 0;
      renderHosts();
    });
  }
}

function renderHosts() {
  const sections = state.hosts.map((host) => {
    const section = element('section', 'host');
    section.dataset.hostId = host.id;
    const title = element('h2', 'host-title');
    title.append(element('span', 'host-name', host.name));
    title.append(element('span', 'badge', `${host.hypervisor} ${host.libvirtVersion}`.trim()));
    if (host.readOnly) {
      title.append(element('span', 'badge warn', 'read-only'));
    }

    if (!host.connected) {
      title.append(element('span', 'badge error', 'not connected'));
    }

    const list = element('ul', 'domains');
    for (const domain of host.domains) {
      const button = element('button', 'domain');
      button.type = 'button';
      button.dataset.domainId = domain.id;
      button.dataset.domainName = domain.name;
      if (domain.id === state.domain?.id) {
        button.classList.add('selected');
        button.setAttribute('aria-current', 'true');
      }

      const count = `${domain.snapshotCount} snapshot${domain.snapshotCount === 1 ? '' : 's'}`;
      const current = domain.currentSnapshot ? ` · current “${domain.currentSnapshot.name}”` : '';
      button.append(
        element('span', 'domain-name', domain.name),
        element('span', `badge state state-${domain.state}`, label(domain.state)),
        element('span', 'domain-meta', `${count}${current}`),
      );
      button.addEventListener('click', () => {
        location.hash = `domain=${encodeURIComponent(domain.id)}`;
      });
      const item = element('li');
      item.append(button);
      list.append(item);
    }

    if (host.domains.length === 0) {
      list.append(element('li', 'empty', host.connected ? 'no domains' : 'unreachable'));
    }

    section.append(title, list);

    return section;
  });
  page.hosts.replaceChildren(...sections);
}

function hashDomainId() {
  const match = /^#domain=(.+)$/.exec(location.hash);

  return match === null ? undefined : decodeURIComponent(match[1]);
}

function selectFromHash() {
  const wanted = hashDomainId();
  if (wanted !== undefined) {
    if (wanted !== state.domain?.id) {
      void loadDomain(wanted, false);
    }

    return;
  }

  const first = state.hosts.flatMap((host) => host.domains)[0];
  if (first === undefined) {
    clearDomain('No domain to show.');
  } else {
    location.replace(`#domain=${encodeURIComponent(first.id)}`);
  }
}

window.addEventListener('hashchange', selectFromHash);

function clearDomain(text) {
  state.domain = null;
  state.tree = null;
  state.selectedId = null;
  page.domainHeader.replaceChildren(element('h2', 'domain-name', text));
  page.details.replaceChildren();
  view.showText(text);
  renderHosts();
}

// --- one domain's tree ------------------------------------------------------------------

/**
 * Reads a domain's whole tree, page by page as the server's cap asks, and draws it. With
 * `keepView` it keeps what is collapsed and selected: the same domain, read again.
 */
async function loadDomain(id, keepView) {
  const load = ++state.loads;
  state.loadingId = id;
  state.waiting = [];
  if (!keepView) {
    page.domainHeader.replaceChildren(element('h2', 'domain-name', 'Reading the tree…'));
    view.showText('Reading the tree…');
  }

  let read;
  try {
    read = await readTree(id);
  } catch (error) {
    if (load === state.loads) {
      state.loadingId = null;
      say(`The tree could not be read. ${describeError(error)}`, 'error');
      if (!keepView) {
        clearDomain('The tree could not be read.');
      }
    }

    return;
  }

  if (load !== state.loads) {
    return;
  }

  state.loadingId = null;
  if (read === null) {
    clearDomain('No such domain: it may have been undefined.');

    return;
  }

  const { domain, snapshots } = read;
  state.domain = domain;
  state.tree = new SnapshotTree(snapshots.map(toRecord), domain.currentSnapshot?.id ?? null);
  if (!keepView) {
    state.collapsed = state.tree.defaultCollapsed();
    state.selectedId = null;
  }

  // Events that came while the tree was read may be newer than what was read.
  for (const event of state.waiting) {
    applyEvent(event);
  }

  state.waiting = [];
  state.matches = state.tree.search(page.search.value);
  renderHosts();
  renderDomain();
  if (!keepView && state.tree.currentId !== null) {
    view.scrollTo(state.tree.currentId);
  }
}

/** The domain and every snapshot of it, or null when there is no such domain. */
async function readTree(id) {
  for (let attempt = 1; ; attempt++) {
    const snapshots = [];
    let after = null;
    let domain;
    let changed = false;
    do {
      const data = await request(DOMAIN_TREE, { id, after });
      const node = data.node;
      if (node === null || node.snapshots === undefined) {
        return null;
      }

      const { snapshots: connection, ...rest } = node;
      changed = domain !== undefined && rest.snapshotTreeVersion !== domain.snapshotTreeVersion;
      domain ??= rest;
      snapshots.push(...connection.nodes);
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after !== null && !changed);

    if (!changed || attempt === READ_ATTEMPTS) {
      return { domain, snapshots };
    }
  }
}

function renderDomain() {
  const { domain, tree } = state;
  if (domain === null || tree === null) {
    return;
  }

  renderDomainHeader(domain, tree);
  renderSearchCount();
  renderDetails();
  if (tree.size === 0) {
    view.showText('No snapshots yet.');

    return;
  }

  const rows = tree.layout(state.collapsed);
  const focusId = state.matches[state.matchIndex] ?? null;
  view.show({
    tree,
    rows,
    path: tree.pathToCurrent(),
    selectedId: state.selectedId,
    matches: new Set(state.matches),
    focusId,
    changed: state.changed,
    canMutate: canMutate(),
  });
}

function renderDomainHeader(domain, tree) {
  const title = element('div', 'domain-title');
  title.append(
    element('h2', 'domain-name', domain.name),
    element('span', `badge state state-${domain.state}`, label(domain.state)),
    element('span', 'domain-meta', `on ${domain.host.name}`),
    element('span', 'domain-meta', `${tree.size} snapshot${tree.size === 1 ? '' : 's'}`),
  );
  const version = element('span', 'tree-version', domain.snapshotTreeVersion);
  version.title = 'The tree version every change from this page is sent with';
  title.append(version);
  if (canMutate()) {
    const create = element('button', 'primary', 'New snapshot…');
    create.type = 'button';
    create.id = 'create-snapshot';
    create.addEventListener('click', () => openCreateDialog(page.dialog, dialogContext()));
    title.append(element('span', 'spacer'), create);
  }

  page.domainHeader.replaceChildren(title, currentPath(tree));
}

/** The path from the root to the current snapshot, its middle left out when long. */
function currentPath(tree) {
  const line = element('p', 'current-path');
  line.id = 'current-path';
  if (tree.currentId === null || tree.get(tree.currentId) === undefined) {
    line.textContent = 'No current snapshot.';

    return line;
  }

  const path = [tree.currentId, ...tree.ancestors(tree.currentId)].reverse();
  const shown = path.length > 7 ? [...path.slice(0, 2), null, ...path.slice(-4)] : path;
  line.append(element('span', 'path-label', 'Current: '));
  shown.forEach((id, index) => {
    if (index > 0) {
      line.append(element('span', 'path-separator', ' › '));
    }

    if (id === null) {
      line.append(element('span', 'path-gap', `… ${path.length - 6} more …`));

      return;
    }

    const crumb = element('button', 'crumb', tree.get(id).name);
    crumb.type = 'button';
    crumb.addEventListener('click', () => reveal(id));
    line.append(crumb);
  });

  return line;
}

function renderDetails() {
  const { tree, selectedId } = state;
  const snapshot = selectedId === null ? undefined : tree?.get(selectedId);
  if (snapshot === undefined) {
    page.details.replaceChildren(element('p', 'hint', 'Click a snapshot for its details.'));

    return;
  }

  const parent = tree.get(tree.parentOf(snapshot.id) ?? '');
  const facts = [
    ['Name', snapshot.name],
    ['State', label(snapshot.state)],
    ['Kind', label(snapshot.kind)],
    ['Location', label(snapshot.location)],
    ['Created', formatTime(snapshot.creationTime)],
    ['Parent', parent?.name ?? '(a root)'],
    ['Children', String(tree.children(snapshot.id).length)],
    ['Descendants', String(tree.descendantCount(snapshot.id))],
    ['Description', snapshot.description ?? '—'],
  ];
  const list = element('dl', 'facts');
  for (const [term, value] of facts) {
    list.append(element('dt', undefined, term), element('dd', undefined, value));
  }

  const heading = element('h3', undefined, snapshot.name);
  if (snapshot.id === tree.currentId) {
    heading.append(' ', element('span', 'current-tag', 'current'));
  }

  page.details.replaceChildren(heading, list);
}

function toggle(id) {
  if (state.collapsed.has(id)) {
    state.collapsed.delete(id);
  } else {
    state.collapsed.add(id);
  }

  renderDomain();
}

/** Opens the way to a snapshot, selects it and scrolls to it. */
function reveal(id) {
  if (state.tree?.get(id) === undefined) {
    return;
  }

  state.tree.reveal(id, state.collapsed);
  state.selectedId = id;
  renderDomain();
  view.scrollTo(id);
}

// --- search and the toolbar -------------------------------------------------------------

function renderSearchCount() {
  const text = page.search.value.trim();
  if (text === '') {
    page.searchCount.textContent = '';
  } else if (state.matches.length === 0) {
    page.searchCount.textContent = 'no match';
  } else {
    const at = state.matchIndex < 0 ? '' : `${state.matchIndex + 1} of `;
    page.searchCount.textContent = `${at}${state.matches.length}`;
  }
}

/** Moves to the next (or previous) match, wrapping around. */
function stepMatch(step) {
  if (state.matches.length === 0) {
    return;
  }

  const count = state.matches.length;
  state.matchIndex = (((state.matchIndex + step) % count) + count) % count;
  reveal(state.matches[state.matchIndex]);
}

let searchTimer;

page.search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.matches = state.tree?.search(page.search.value) ?? [];
    state.matchIndex = -1;
    if (state.matches.length > 0) {
      stepMatch(1);
    } else {
      renderDomain();
    }
  }, 200);
});

page.search.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    clearTimeout(searchTimer);
    if (state.matchIndex < 0) {
      state.matches = state.tree?.search(page.search.value) ?? [];
    }

    stepMatch(event.shiftKey ? -1 : 1);
  }
});

$('search-next').addEventListener('click', () => stepMatch(1));
$('search-previous').addEventListener('click', () => stepMatch(-1));
$('go-current').addEventListener('click', () => {
  if (state.tree?.currentId) {
    reveal(state.tree.currentId);
  }
});
$('expand-all').addEventListener('click', () => {
  state.collapsed.clear();
  renderDomain();
});
$('collapse-branches').addEventListener('click', () => {
  if (state.tree !== null) {
    state.collapsed = state.tree.defaultCollapsed(true);
    renderDomain();
  }
});

// --- changes from the page --------------------------------------------------------------

/** What a dialog needs of the page. */
function dialogContext() {
  return {
    domain: () => state.domain,
    get tree() {
      return state.tree;
    },
    onDone: (message, change) => {
      say(message);
      if (change.created !== undefined) {
        state.tree.upsert(toRecord(change.created));
      }

      for (const id of change.deletedIds ?? []) {
        state.tree.remove(id);
      }

      applyDomainSummary(change.domain);
      scheduleCheck();
      if (change.created !== undefined) {
        reveal(change.created.id);
      } else {
        renderDomain();
      }
    },
    onFailed: async (error) => {
      // A tree that moved on, or a snapshot gone: read the tree again so that the next try
      // is made against what is there.
      const code = error instanceof GraphQLRequestError ? error.code : undefined;
      if ((code === 'CONFLICT' || code === 'NOT_FOUND') && state.domain !== null) {
        await loadDomain(state.domain.id, true);
      }
    },
  };
}

// --- start ------------------------------------------------------------------------------

async function boot() {
  const token = storedToken();
  try {
    const data = await request(ACCESS);
    start(data.access);
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED') {
      storeToken(null);
      showLogin(token === null ? undefined : 'The token of this session was refused.');
    } else {
      say(`The server did not answer. ${describeError(error)}`, 'error');
    }
  }
}

void boot();
