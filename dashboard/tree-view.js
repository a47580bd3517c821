/**
 * Draws a snapshot tree's rows in a scrolling box, creating elements for the rows in view
 * only (and a few around them): a tree of 5,000 snapshots costs the page a few dozen rows.
 */

/** Each row's height in pixels; the stylesheet's `--row-height` says the same. */
export const ROW_HEIGHT = 30;

// Rows drawn above and below the visible ones, so that a short scroll shows no gap.
const OVERSCAN = 12;

const dateFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** An ISO-8601 instant in the browser's time zone and language. */
export function formatTime(iso) {
  const date = new Date(iso);

  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** A lower-case label for an enum value: `DISK_ONLY` → `disk only`. */
export function label(value) {
  return String(value).toLowerCase().replaceAll('_', ' ');
}

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

/**
 * @typedef {object} TreeViewState what {@link TreeView#show} draws
 * @property {import('./snapshot-tree.js').SnapshotTree} tree
 * @property {import('./snapshot-tree.js').TreeRow[]} rows
 * @property {Set<string>} path the current snapshot and its ancestors
 * @property {string | null} selectedId
 * @property {Set<string>} matches the snapshots the search found
 * @property {string | null} focusId the match the search is on
 * @property {Set<string>} changed snapshots an event changed a moment ago
 * @property {boolean} canMutate whether to offer revert and delete
 */

/**
 * @typedef {object} TreeViewHandlers
 * @property {(id: string) => void} onToggle
 * @property {(id: string) => void} onSelect
 * @property {(action: 'revert' | 'delete', id: string) => void} onAction
 */

/** The tree's scrolling box. */
export class TreeView {
  /** @type {HTMLElement} */
  #viewport;
  /** @type {HTMLElement} */
  #canvas;
  /** @type {TreeViewState | undefined} */
  #state;
  /** @type {Map<string, number>} */
  #indexOf = new Map();
  #frame = 0;

  /**
   * @param {HTMLElement} viewport
   * @param {TreeViewHandlers} handlers
   */
  constructor(viewport, handlers) {
    this.#viewport = viewport;
    this.#canvas = element('div', 'tree-canvas');
    this.#canvas.setAttribute('role', 'tree');
    viewport.replaceChildren(this.#canvas);
    viewport.addEventListener('scroll', () => this.#schedule(), { passive: true });
    new ResizeObserver(() => this.#schedule()).observe(viewport);
    this.#canvas.addEventListener('click', (event) => this.#clicked(event, handlers));
  }

  /** @param {TreeViewState} state */
  show(state) {
    this.#state = state;
    this.#indexOf = new Map(state.rows.map((row, index) => [row.id, index]));
    this.#canvas.style.height = `${state.rows.length * ROW_HEIGHT}px`;
    this.#render();
  }

  /** Clears the box, with `text` in place of a tree. */
  showText(text) {
    this.#state = undefined;
    this.#indexOf = new Map();
    this.#canvas.style.height = '';
    this.#canvas.replaceChildren(element('p', 'tree-empty', text));
  }

  /** Scrolls until the row of `id` is in view, in the middle when it was far. */
  scrollTo(id) {
    const index = this.#indexOf.get(id);
    if (index === undefined) {
      return;
    }

    const top = index * ROW_HEIGHT;
    const { scrollTop, clientHeight } = this.#viewport;
    if (top < scrollTop || top + ROW_HEIGHT > scrollTop + clientHeight) {
      this.#viewport.scrollTop = Math.max(0, top - (clientHeight - ROW_HEIGHT) / 2);
    }

    this.#render();
  }

  #schedule() {
    if (this.#frame === 0) {
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        this.#render();
      });
    }
  }

  #render() {
    const state = this.#state;
    if (state === undefined) {
      return;
    }

    const { scrollTop, clientHeight } = this.#viewport;
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      state.rows.length,
      Math.ceil((scrollTop + clientHeight) / ROW_HEIGHT) + OVERSCAN,
    );
    const fragment = document.createDocumentFragment();
    for (let index = first; index < last; index++) {
      fragment.append(this.#row(state, state.rows[index], index));
    }

    this.#canvas.replaceChildren(fragment);
  }

  /**
   * @param {TreeViewState} state
   * @param {import('./snapshot-tree.js').TreeRow} row
   * @param {number} index
   */
  #row(state, row, index) {
    const snapshot = state.tree.get(row.id);
    const isCurrent = row.id === state.tree.currentId;
    const classes = ['tree-row'];
    if (isCurrent) classes.push('current');
    if (state.path.has(row.id)) classes.push('on-path');
    if (row.id === state.selectedId) classes.push('selected');
    if (state.matches.has(row.id)) classes.push('match');
    if (row.id === state.focusId) classes.push('match-focus');
    if (state.changed.has(row.id)) classes.push('changed');

    const node = element('div', classes.join(' '));
    node.style.top = `${index * ROW_HEIGHT}px`;
    node.dataset.id = row.id;
    node.dataset.name = snapshot.name;
    node.dataset.parent = state.tree.get(state.tree.parentOf(row.id) ?? '')?.name ?? '';
    node.dataset.current = String(isCurrent);
    node.setAttribute('role', 'treeitem');
    node.setAttribute('aria-level', String(row.depth + 1));
    node.setAttribute('aria-selected', String(row.id === state.selectedId));
    if (row.childCount > 0) {
      node.setAttribute('aria-expanded', String(row.hidden === 0));
    }

    const lines = this.#guides(row);
    lines.append(this.#dot(row));
    node.append(lines, this.#toggle(row), element('span', 'name', snapshot.name));
    if (row.hidden > 0) {
      node.append(element('span', 'hidden-count', `+${row.hidden}`));
    }

    if (isCurrent) {
      node.append(element('span', 'current-tag', 'current'));
    }

    node.append(
      element('span', `badge state state-${snapshot.state}`, label(snapshot.state)),
      element('span', 'badge kind', label(snapshot.kind)),
    );
    if (snapshot.location === 'EXTERNAL') {
      node.append(element('span', 'badge location', 'external'));
    }

    const time = element('time', 'created', formatTime(snapshot.creationTime));
    time.dateTime = snapshot.creationTime;
    node.append(time);
    const description = element('span', 'description', snapshot.description ?? '');
    description.title = snapshot.description ?? '';
    node.append(description);
    if (state.canMutate) {
      node.append(this.#actions(snapshot));
    }

    return node;
  }

  /**
   * The lines of the columns to the left (a branch's head joins the column it leaves), for
   * the snapshot's own column to be appended to.
   */
  #guides(row) {
    const guides = element('span', 'guides');
    for (let column = 0; column < row.depth; column++) {
      const joins = row.branchHead && column === row.depth - 1;
      guides.append(element('span', joins ? 'guide tee' : 'guide pipe'));
    }

    return guides;
  }

  #dot(row) {
    const classes = ['dot'];
    if (row.up) classes.push('up');
    if (row.down) classes.push('down');
    if (row.branchHead) classes.push('joined');

    return element('span', classes.join(' '));
  }

  #toggle(row) {
    if (row.childCount === 0) {
      return element('span', 'toggle-space');
    }

    const folded = row.hidden > 0;
    const toggle = element('button', 'toggle', folded ? '▸' : '▾');
    toggle.type = 'button';
    toggle.dataset.action = 'toggle';
    toggle.title = folded
      ? `Show the ${row.hidden} snapshots below this one`
      : 'Hide the snapshots below this one';
    toggle.setAttribute('aria-label', toggle.title);

    return toggle;
  }

  #actions(snapshot) {
    const actions = element('span', 'row-actions');
    for (const [action, text] of [
      ['revert', 'Revert…'],
      ['delete', 'Delete…'],
    ]) {
      const button = element('button', `row-action ${action}`, text);
      button.type = 'button';
      button.dataset.action = action;
      button.title = `${text.slice(0, -1)} “${snapshot.name}”`;
      actions.append(button);
    }

    return actions;
  }

  /**
   * @param {MouseEvent} event
   * @param {TreeViewHandlers} handlers
   */
  #clicked(event, handlers) {
    const target = /** @type {HTMLElement} */ (event.target);
    const row = target.closest('.tree-row');
    const id = row?.dataset.id;
    if (id === undefined) {
      return;
    }

    const action = target.closest('[data-action]')?.dataset.action;
    if (action === 'toggle') {
      handlers.onToggle(id);
    } else if (action === 'revert' || action === 'delete') {
      handlers.onAction(action, id);
    } else {
      handlers.onSelect(id);
    }
  }
}
