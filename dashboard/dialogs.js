/**
 * The three changes an operator makes from the tree: create, revert and delete. Each asks
 * for confirmation in a dialog and sends `expectedTreeVersion`, the version of the tree the
 * page shows, so that a tree changed meanwhile (by anyone) is refused, not overwritten.
 * Revert and delete show their dry run's answer before the confirmation is offered.
 */
import { describeError, request } from './graphql-client.js';
import { CREATE_SNAPSHOT, DELETE_SNAPSHOT, REVERT_TO_SNAPSHOT } from './operations.js';
import { label } from './tree-view.js';

/**
 * @typedef {object} DomainView the domain as the page shows it
 * @property {string} id
 * @property {string} name
 * @property {string} state
 * @property {string} snapshotTreeVersion
 */

/**
 * @typedef {object} Change what a mutation answered, for the page to show at once
 * @property {object} domain the domain's state, count, tree version and current snapshot
 * @property {object} [created] the snapshot a create made, with every field the tree shows
 * @property {string[]} [deletedIds] the snapshots a delete removed
 */

/**
 * @typedef {object} DialogContext
 * @property {() => DomainView} domain the domain as the page shows it now
 * @property {import('./snapshot-tree.js').SnapshotTree} tree
 * @property {(message: string, change: Change) => void} onDone a change was made
 * @property {(error: unknown) => Promise<void>} onFailed a change was refused; resolves once
 *   the page has read again what it must
 */

// How many names a dry run lists before it counts the rest.
const LISTED_NAMES = 12;

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

function quoted(name) {
  return `“${name}”`;
}

/** `a, b, c and 4 more`. */
function nameList(names) {
  const shown = names.slice(0, LISTED_NAMES).map(quoted).join(', ');

  return names.length > LISTED_NAMES ? `${shown} and ${names.length - LISTED_NAMES} more` : shown;
}

/** A labelled radio button or checkbox. */
function choice(type, name, value, text, checked = false) {
  const wrapper = element('label', 'choice');
  const input = element('input');
  input.type = type;
  input.name = name;
  input.value = value;
  input.checked = checked;
  wrapper.append(input, ` ${text}`);

  return wrapper;
}

/** A labelled text field. */
function field(labelText, control) {
  const wrapper = element('label', 'field');
  wrapper.append(element('span', 'field-label', labelText), control);

  return wrapper;
}

/**
 * Fills `dialog` with a form and opens it.
 *
 * @param {HTMLDialogElement} dialog
 * @param {{ kind: string, title: string, fields: Node[], confirmText: string }} options
 */
function openForm(dialog, options) {
  const form = element('form', 'dialog-form');
  form.noValidate = true;
  const title = element('h2', 'dialog-title', options.title);
  title.id = 'dialog-title';
  const body = element('div', 'dialog-body');
  body.append(...options.fields);
  const answer = element('p', 'dry-run');
  answer.setAttribute('aria-live', 'polite');
  const failure = element('p', 'dialog-error');
  failure.setAttribute('role', 'alert');
  failure.hidden = true;
  const version = element('p', 'tree-version');
  const cancel = element('button', 'secondary', 'Cancel');
  cancel.type = 'button';
  cancel.dataset.role = 'cancel';
  const confirm = element('button', 'primary', options.confirmText);
  confirm.type = 'submit';
  confirm.dataset.role = 'confirm';
  confirm.disabled = true;
  const buttons = element('div', 'dialog-buttons');
  buttons.append(cancel, confirm);
  form.append(title, body, answer, failure, version, buttons);

  dialog.dataset.dialog = options.kind;
  dialog.setAttribute('aria-labelledby', title.id);
  dialog.replaceChildren(form);
  if (!dialog.open) {
    dialog.showModal();
  }

  const ui = {
    form,
    cancel,
    confirm,
    /** Shows what a dry run (or a review) says; `outcome` is pending, ok or error. */
    answer(outcome, text) {
      answer.dataset.outcome = outcome;
      answer.textContent = text;
    },
    /** Shows why the real call failed, or hides the line. */
    failure(text) {
      failure.hidden = text === undefined;
      failure.textContent = text ?? '';
    },
    /** The tree version the confirmation sends: the one its check was made against. */
    checkedVersion: undefined,
    /** Shows the tree version the confirmation will send. */
    version(treeVersion) {
      version.textContent = `Confirmed against expectedTreeVersion ${treeVersion}`;
    },
    /** What Cancel does; closing the dialog unless a step replaces it. */
    onCancel() {
      dialog.close();
    },
  };
  cancel.addEventListener('click', () => ui.onCancel());

  return ui;
}

/** The values of `form`'s controls by name: radios as the checked value, boxes as booleans. */
function values(form) {
  const result = {};
  for (const control of form.elements) {
    if (control.name === '' || control.disabled) {
      continue;
    }

    if (control.type === 'radio') {
      if (control.checked) {
        result[control.name] = control.value;
      }
    } else if (control.type === 'checkbox') {
      result[control.name] = control.checked;
    } else {
      result[control.name] = control.value;
    }
  }

  return result;
}

/**
 * Runs `check` (a dry run against the tree version the page has now) whenever the form
 * changes, showing its answer and offering the confirmation only after one that succeeded;
 * the confirmation then sends that same version, so that it confirms what the dry run saw.
 * Answers of an older check are dropped.
 */
function checkOnChange(ui, context, check) {
  let latest = 0;
  const run = async () => {
    const sequence = ++latest;
    const treeVersion = context.domain().snapshotTreeVersion;
    ui.confirm.disabled = true;
    ui.answer('pending', 'Asking the server for a dry run…');
    const outcome = await check(treeVersion);
    if (sequence !== latest) {
      return;
    }

    ui.answer(outcome.ok ? 'ok' : 'error', outcome.text);
    ui.checkedVersion = outcome.ok ? treeVersion : undefined;
    ui.version(treeVersion);
    ui.confirm.disabled = !outcome.ok;
  };
  ui.form.addEventListener('change', () => void run());

  return run;
}

/**
 * The revert dialog: the state the domain should be left in (as taken, running, paused) and
 * `force`; the dry run says the state it would be in, or why libvirt would refuse.
 *
 * @param {HTMLDialogElement} dialog
 * @param {DialogContext} context
 * @param {string} snapshotId
 */
export function openRevertDialog(dialog, context, snapshotId) {
  const snapshot = context.tree.get(snapshotId);
  const domain = context.domain();
  const targets = element('fieldset', 'choices');
  targets.append(
    element('legend', undefined, 'The domain afterwards'),
    choice('radio', 'targetState', '', `as taken (${label(snapshot.state)})`, true),
    choice('radio', 'targetState', 'RUNNING', 'running'),
    choice('radio', 'targetState', 'PAUSED', 'paused'),
  );
  const force = choice(
    'checkbox',
    'force',
    'true',
    'force: revert even where libvirt calls it risky',
  );
  const ui = openForm(dialog, {
    kind: 'revert',
    title: `Revert ${domain.name} to ${quoted(snapshot.name)}`,
    fields: [targets, force],
    confirmText: 'Revert',
  });

  const input = (dryRun, treeVersion) => {
    const chosen = values(ui.form);

    return {
      snapshotId,
      targetState: chosen.targetState === '' ? undefined : chosen.targetState,
      force: chosen.force || undefined,
      expectedTreeVersion: treeVersion,
      dryRun,
    };
  };
  const check = checkOnChange(ui, context, async (treeVersion) => {
    try {
      const data = await request(REVERT_TO_SNAPSHOT, { input: input(true, treeVersion) });
      const now = context.domain().state;

      return {
        ok: true,
        text:
          `Dry run: ${domain.name} would be ${label(data.revertToSnapshot.resultingState)} ` +
          `afterwards (it is ${label(now)} now).`,
      };
    } catch (error) {
      return { ok: false, text: `Dry run refused. ${describeError(error)}` };
    }
  });

  confirmWith(ui, context, check, async () => {
    const data = await request(REVERT_TO_SNAPSHOT, {
      input: input(false, ui.checkedVersion),
    });
    const state = label(data.revertToSnapshot.resultingState);

    return {
      message: `Reverted ${domain.name} to ${quoted(snapshot.name)}: it is ${state}.`,
      change: { domain: data.revertToSnapshot.domain },
    };
  });
  void check();
}

/**
 * The delete dialog: the scope (the snapshot, with its descendants, or its descendants only)
 * and metadata only; the dry run lists what would be deleted and which children move up.
 *
 * @param {HTMLDialogElement} dialog
 * @param {DialogContext} context
 * @param {string} snapshotId
 */
export function openDeleteDialog(dialog, context, snapshotId) {
  const { tree } = context;
  const snapshot = tree.get(snapshotId);
  const domain = context.domain();
  const descendants = tree.descendantCount(snapshotId);
  const children = tree.children(snapshotId).length;
  const parent = tree.get(tree.parentOf(snapshotId) ?? '');
  const movesTo = parent === undefined ? 'become roots' : `move up to ${quoted(parent.name)}`;
  const only = choice(
    'radio',
    'scope',
    'SNAPSHOT',
    children === 0 ? 'this snapshot' : `this snapshot only: its ${children} children ${movesTo}`,
    true,
  );
  const withDescendants = choice(
    'radio',
    'scope',
    'SNAPSHOT_AND_DESCENDANTS',
    `this snapshot and its ${descendants} descendants`,
  );
  const descendantsOnly = choice(
    'radio',
    'scope',
    'DESCENDANTS_ONLY',
    `its ${descendants} descendants only`,
  );
  for (const scope of [withDescendants, descendantsOnly]) {
    scope.querySelector('input').disabled = descendants === 0;
  }

  const scopes = element('fieldset', 'choices');
  scopes.append(
    element('legend', undefined, 'What to delete'),
    only,
    withDescendants,
    descendantsOnly,
  );

  const metadata = choice(
    'checkbox',
    'metadataOnly',
    'true',
    'metadata only: forget the snapshot, leave its data in the disk images',
  );
  const ui = openForm(dialog, {
    kind: 'delete',
    title: `Delete ${quoted(snapshot.name)} of ${domain.name}`,
    fields: [scopes, metadata],
    confirmText: 'Delete',
  });
  ui.confirm.classList.add('danger');

  const input = (dryRun, treeVersion) => {
    const chosen = values(ui.form);

    return {
      snapshotId,
      scope: chosen.scope,
      metadataOnly: chosen.metadataOnly || undefined,
      expectedTreeVersion: treeVersion,
      dryRun,
    };
  };
  const check = checkOnChange(ui, context, async (treeVersion) => {
    try {
      const data = await request(DELETE_SNAPSHOT, { input: input(true, treeVersion) });
      const answer = data.deleteSnapshot;
      const deleted = answer.deletedSnapshotNames;
      const moved = answer.reparentedSnapshotIds.map((id) => tree.get(id)?.name ?? id);
      const parts = [
        deleted.length === 0
          ? 'Dry run: deletes nothing.'
          : `Dry run: deletes ${deleted.length} snapshot${deleted.length === 1 ? '' : 's'}: ` +
            `${nameList(deleted)}.`,
      ];
      if (moved.length > 0) {
        parts.push(`Re-parented: ${nameList(moved)} (${movesTo}).`);
      }

      return { ok: true, text: parts.join(' ') };
    } catch (error) {
      return { ok: false, text: `Dry run refused. ${describeError(error)}` };
    }
  });

  confirmWith(ui, context, check, async () => {
    const data = await request(DELETE_SNAPSHOT, { input: input(false, ui.checkedVersion) });
    const deleted = data.deleteSnapshot.deletedSnapshotNames;

    return {
      message: `Deleted ${deleted.length === 0 ? 'nothing' : nameList(deleted)} of ${domain.name}.`,
      change: {
        domain: data.deleteSnapshot.domain,
        deletedIds: data.deleteSnapshot.deletedSnapshotIds,
      },
    };
  });
  void check();
}

/**
 * The create dialog: a name (libvirt picks one when it is left empty) and a description,
 * then a review of what will be created, where, before the confirmation.
 *
 * @param {HTMLDialogElement} dialog
 * @param {DialogContext} context
 */
export function openCreateDialog(dialog, context) {
  const domain = context.domain();
  const name = element('input');
  name.name = 'name';
  name.autocomplete = 'off';
  name.placeholder = 'empty: libvirt names it by the time';
  const description = element('textarea');
  description.name = 'description';
  description.rows = 3;
  const ui = openForm(dialog, {
    kind: 'create',
    title: `New snapshot of ${domain.name}`,
    fields: [field('Name', name), field('Description', description)],
    confirmText: 'Review…',
  });
  ui.confirm.disabled = false;
  ui.answer('pending', 'Fill in the fields, then review what will be created.');
  ui.version(domain.snapshotTreeVersion);
  name.focus();

  let reviewing = false;
  const edit = () => {
    reviewing = false;
    name.disabled = false;
    description.disabled = false;
    ui.confirm.textContent = 'Review…';
    ui.cancel.textContent = 'Cancel';
  };

  ui.onCancel = () => {
    if (!reviewing) {
      dialog.close();

      return;
    }

    // Back to the fields rather than closing.
    edit();
    ui.answer('pending', 'Fill in the fields, then review what will be created.');
  };

  ui.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!reviewing) {
      reviewing = true;
      name.disabled = true;
      description.disabled = true;
      const current = context.tree.get(context.tree.currentId ?? '');
      const under = current === undefined ? 'as a root' : `under ${quoted(current.name)}`;
      const named = name.value.trim() === '' ? 'a snapshot named by libvirt' : quoted(name.value);
      ui.answer('ok', `Creates ${named} of ${domain.name} ${under}; it becomes the current one.`);
      ui.checkedVersion = context.domain().snapshotTreeVersion;
      ui.version(ui.checkedVersion);
      ui.confirm.textContent = 'Create snapshot';
      ui.cancel.textContent = 'Back';

      return;
    }

    if (ui.confirm.disabled) {
      return;
    }

    ui.confirm.disabled = true;
    ui.failure(undefined);
    ui.answer('pending', 'Creating…');
    const input = {
      domainId: domain.id,
      name: name.value.trim() === '' ? undefined : name.value.trim(),
      description: description.value === '' ? undefined : description.value,
      expectedTreeVersion: ui.checkedVersion,
    };
    try {
      const data = await request(CREATE_SNAPSHOT, { input });
      const created = data.createSnapshot.snapshot?.name ?? input.name ?? 'a snapshot';
      if (ui.form.isConnected) {
        dialog.close();
      }

      context.onDone(`Created ${quoted(created)} of ${domain.name}.`, {
        domain: data.createSnapshot.domain,
        created: data.createSnapshot.snapshot ?? undefined,
      });
    } catch (error) {
      ui.failure(describeError(error));
      await context.onFailed(error);
      edit();
      ui.confirm.disabled = false;
      ui.answer('error', 'Not created. Check the fields and the tree, then review again.');
      ui.version(context.domain().snapshotTreeVersion);
    }
  });
}

/**
 * Sends the real call when the confirmation is clicked. A refusal stays in the dialog; the
 * page reads again what it must, and the dry run runs again on what it read.
 */
function confirmWith(ui, context, check, send) {
  ui.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (ui.confirm.disabled) {
      return;
    }

    ui.confirm.disabled = true;
    ui.failure(undefined);
    ui.answer('pending', 'Sent; waiting for libvirt…');
    try {
      const { message, change } = await send();
      // Unless the dialog was closed meanwhile, and perhaps opened for something else.
      if (ui.form.isConnected) {
        ui.form.closest('dialog')?.close();
      }

      context.onDone(message, change);
    } catch (error) {
      ui.failure(`Not done. ${describeError(error)}`);
      await context.onFailed(error);
      await check();
    }
  });
}
