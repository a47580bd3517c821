import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStringPromise } from 'xml2js';
import {
  type Connection,
  type Domain,
  type DomainSnapshot,
  ErrorNumber,
  type Libvirt,
  LibvirtError,
} from '../../src/ffi/index.ts';
import type { Host } from '../../src/hosts/host.ts';
import type { DeleteScope } from '../generated/schema-types.ts';
import { startBinding } from '../support/binding.ts';
import { type Response, startTestServer, type TestServer } from '../support/graphql-server.ts';
import { QemuDomains } from '../support/qemu-domain.ts';
import {
  type ActionOutcome,
  byName,
  drawTree,
  type SnapshotAction,
  SnapshotTreeModel,
  type TreeView,
} from '../support/snapshot-model.ts';
import { type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';
import {
  ConcurrencyCreateDocument,
  ConcurrencyDeleteDocument,
  ConcurrencyDomainDocument,
  type ConcurrencyPayloadDomainFragment,
  ConcurrencyRedefineDocument,
  ConcurrencyRevertDocument,
  type ConcurrencySnapshotFragment,
  ConcurrencySnapshotXmlDocument,
  ConcurrencyTreesDocument,
} from './concurrency.generated.ts';

/**
 * A model-based test of the four mutations: random sequences of creates, reverts, deletes
 * (every scope) and redefinitions, one command per domain at a time on several domains at
 * once, and now and then a second command racing the first on one domain. After every step
 * each domain's tree as the server lists it must be the tree the model
 * (test/support/snapshot-model.ts) predicts; after every run libvirt's own listing too.
 *
 * fast-check prints the seed and path of a failure; `MODEL_SEED=… MODEL_PATH=…` replays it.
 */

/** One command of a step, before it is resolved against the model: indexes, not names. */
type Command =
  | { kind: 'create'; stem: string; description: string | null; duplicate: boolean; pick: number }
  | { kind: 'revert'; pick: number; stale: boolean }
  | { kind: 'delete'; pick: number; scope: DeleteScope; stale: boolean }
  | { kind: 'redefine'; pick: number; description: string | null; current: boolean };

/** One command per domain, sent at once; `race`, when there, goes to one domain beside it. */
interface Step {
  commands: Command[];
  race: { domain: number; command: Command } | null;
}

/** What the payload of a successful mutation says, as far as the model predicts it. */
interface PayloadFacts {
  current: string | null;
  snapshot: {
    name: string;
    description: string | null;
    parent: string | null;
    isCurrent: boolean;
  } | null;
}

/** A mutation's answer: the outcome the model predicts, and the payload's facts when it ran. */
interface Answer {
  outcome: ActionOutcome;
  payload: PayloadFacts | null;
}

/** A command resolved against the model: what it does, and how to send it. */
interface Prepared {
  action: SnapshotAction;
  send: () => Promise<Answer>;
}

/** A domain the model runs on, with what the test learnt of it. */
interface ModelDomain {
  name: string;
  /** The domain's GraphQL ID. */
  id: string;
  uuid: string;
  model: SnapshotTreeModel;
  /** The ID of every snapshot the server has listed, by name, deleted ones too. */
  snapshotIds: Map<string, string>;
  /** How many names the model run has given out on this domain. */
  named: number;
}

/** How a part lists a domain's snapshots straight from libvirt. */
type LibvirtListing = (domain: ModelDomain) => Promise<TreeView>;

const PHRASES = ['before the upgrade', 'x & y <z>', 'ünïcödé ✓', `"quoted" 'single'`, 'plain'];
// Names that need escaping in XML and in IDs, so that every layer sees them.
const STEMS = ['s', 'snap ', 'ä-', 'x&y<', `q'"`];

const descriptionArb = fc.option(fc.constantFrom(...PHRASES), { nil: null });
const pickArb = fc.nat({ max: 999 });
const rarely = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, fc.constant(true));

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      stem: fc.constantFrom(...STEMS),
      description: descriptionArb,
      duplicate: rarely,
      pick: pickArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('revert' as const), pick: pickArb, stale: rarely }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      pick: pickArb,
      scope: fc.constantFrom<DeleteScope>(
        'SNAPSHOT',
        'SNAPSHOT',
        'SNAPSHOT_AND_DESCENDANTS',
        'DESCENDANTS_ONLY',
      ),
      stale: rarely,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redefine' as const),
      pick: pickArb,
      description: descriptionArb,
      current: fc.boolean(),
    }),
  },
);

function stepsArb(domains: number, steps: { min: number; max: number }): fc.Arbitrary<Step[]> {
  const step = fc.record({
    commands: fc.array(commandArb, { minLength: domains, maxLength: domains }),
    race: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      fc.record({ domain: fc.nat({ max: domains - 1 }), command: commandArb }),
    ),
  });

  // Sizes spread over the whole range; a failure shrinks down to `min` steps.
  return fc.array(step, { minLength: steps.min, maxLength: steps.max, size: 'max' });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `xml` as Snapshot.xml returns it, with `description` instead of the one it had. */
function withDescription(xml: string, description: string | null): string {
  const without = xml.replace(/\s*<description>[\s\S]*?<\/description>/, '');
  if (description === null) {
    return without;
  }

  // The snapshot's own name comes first; the domain's <name> is further down.
  return without.replace(
    '</name>',
    `</name>\n  <description>${escapeXml(description)}</description>`,
  );
}

function describeAction(action: SnapshotAction): string {
  switch (action.kind) {
    case 'create':
      return `create ${JSON.stringify(action.name)}`;
    case 'revert':
      return `revert ${JSON.stringify(action.name)}`;
    case 'delete':
      return `delete ${JSON.stringify(action.name)} ${action.scope}`;
    case 'redefine':
      return `redefine ${JSON.stringify(action.name)}${action.current ? ' current' : ''}`;
  }
}

function isBusy(answer: Answer): boolean {
  return !answer.outcome.ok && answer.outcome.reason === 'DOMAIN_BUSY';
}

/** The facts a successful action's payload must show, read off the model after it. */
function predictedPayload(model: SnapshotTreeModel, action: SnapshotAction): PayloadFacts {
  if (action.kind === 'delete') {
    return { current: model.current, snapshot: null };
  }

  const { parents, descriptions } = model.view();

  return {
    current: model.current,
    snapshot: {
      name: action.name,
      description: descriptions[action.name] ?? null,
      parent: parents[action.name] ?? null,
      isCurrent: model.current === action.name,
    },
  };
}

/** libvirt's XML for a snapshot: its description, outside the domain it embeds. */
async function descriptionIn(xml: string): Promise<string | null> {
  const parsed = (await parseStringPromise(xml)) as {
    domainsnapshot: { description?: string[] };
  };

  return parsed.domainsnapshot.description?.[0] ?? null;
}

/**
 * One model run over `domains` of `server`: resets their trees, runs steps and compares the
 * server, and at the end libvirt, with the model. It counts how the races went.
 */
class ModelRun {
  readonly races = { oneBusy: 0, bothRan: 0 };
  /** How many answers of each kind and outcome the runs saw: `delete SNAPSHOT: ok`. */
  readonly tally = new Map<string, number>();
  readonly #server: TestServer;
  readonly #domains: ModelDomain[];
  readonly #listing: LibvirtListing;

  constructor(server: TestServer, domains: ModelDomain[], listing: LibvirtListing) {
    this.#server = server;
    this.#domains = domains;
    this.#listing = listing;
  }

  /** Runs `steps` from empty trees; throws, naming the step, at the first disagreement. */
  async run(steps: Step[]): Promise<void> {
    await this.#clear(false);
    for (const [index, step] of steps.entries()) {
      await this.#step(step, index);
    }

    const fromLibvirt = await Promise.all(this.#domains.map((domain) => this.#listing(domain)));
    const fromServer = await this.#serverViews();
    const fromModel = this.#domains.map((domain) => domain.model.view());
    expect(fromLibvirt, 'libvirt’s own listing after the last step').toEqual(fromModel);
    expect(fromServer, 'the server’s view after the last step').toEqual(fromModel);
    await this.#clear(true);
  }

  // Deletes every root with its descendants through the API and forgets what the domains
  // had, so that a run starts from empty trees and a replayed run names what it named. At the
  // end of a run the model predicts each answer; at the start (what a failed run left) only
  // success counts.
  async #clear(predicted: boolean): Promise<void> {
    const views = await this.#serverViews();
    await Promise.all(
      this.#domains.map(async (domain, at) => {
        const view = views[at] as TreeView;
        const roots = Object.keys(view.parents).filter((name) => view.parents[name] === null);
        for (const name of roots) {
          const action = { kind: 'delete', name, scope: 'SNAPSHOT_AND_DESCENDANTS' } as const;
          const answer = await this.#delete(domain, name, action.scope);
          const because = `clearing ${domain.name}: ${drawTree(view)}`;
          if (predicted) {
            expect(answer.outcome, because).toEqual(domain.model.apply(action));
          } else {
            expect(answer.outcome, because).toMatchObject({ ok: true });
          }
        }

        domain.model = new SnapshotTreeModel();
        domain.snapshotIds.clear();
        domain.named = 0;
      }),
    );
    expect(await this.#serverViews(), 'the trees after clearing').toEqual(
      this.#domains.map(() => emptyView()),
    );
  }

  async #step(step: Step, index: number): Promise<void> {
    const before = this.#domains
      .map((domain) => `${domain.name}: ${drawTree(domain.model.view())}`)
      .join('; ');
    const prepared = await Promise.all(
      this.#domains.map((domain, at) => this.#prepare(domain, step.commands[at] as Command)),
    );
    const raced = step.race === null ? null : (this.#domains[step.race.domain] as ModelDomain);
    const rival =
      step.race === null || raced === null ? null : await this.#prepare(raced, step.race.command);
    const story = this.#domains
      .map((domain, at) => `${domain.name}: ${describeAction((prepared[at] as Prepared).action)}`)
      .concat(rival === null ? [] : [`${raced?.name} racing: ${describeAction(rival.action)}`])
      .join('; ');

    try {
      const answers = await Promise.all(
        [...prepared, ...(rival === null ? [] : [rival])].map((p) => p.send()),
      );
      for (const [at, answer] of answers.entries()) {
        const action = at < prepared.length ? prepared[at]?.action : rival?.action;
        this.#count(action as SnapshotAction, answer);
      }

      const candidates = this.#domains.map((domain, at) => {
        const answer = answers[at] as Answer;
        const action = (prepared[at] as Prepared).action;
        if (domain === raced && rival !== null) {
          return this.#raceCandidates(domain.model, [
            { action, answer },
            { action: rival.action, answer: answers[prepared.length] as Answer },
          ]);
        }

        const model = domain.model.clone();
        const outcome = model.apply(action);
        expect(answer.outcome, `${domain.name}: ${describeAction(action)}`).toEqual(outcome);
        if (outcome.ok) {
          expect(answer.payload, `${domain.name}: the payload`).toEqual(
            predictedPayload(model, action),
          );
        }

        return [model];
      });

      const views = await this.#serverViews();
      for (const [at, domain] of this.#domains.entries()) {
        domain.model = matching(domain.name, views[at] as TreeView, candidates[at] ?? []);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`step ${index} (${story}) on ${before}:\n${message}`, { cause: error });
    }
  }

  #count(action: SnapshotAction, answer: Answer): void {
    const kind = action.kind === 'delete' ? `delete ${action.scope}` : action.kind;
    const { outcome } = answer;
    const result = outcome.ok ? 'ok' : (outcome.reason ?? outcome.code);
    const key = `${kind}: ${result}`;
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
  }

  // The models a race may have left: the winner's alone when the other was refused as
  // DOMAIN_BUSY, else either order, as long as each predicts both answers.
  #raceCandidates(
    model: SnapshotTreeModel,
    pair: Array<{ action: SnapshotAction; answer: Answer }>,
  ): SnapshotTreeModel[] {
    const [first, second] = pair as [(typeof pair)[0], (typeof pair)[0]];
    expect(
      isBusy(first.answer) && isBusy(second.answer),
      'one of two racing mutations must run',
    ).toBe(false);
    let orders: Array<typeof pair>;
    if (isBusy(first.answer) || isBusy(second.answer)) {
      this.races.oneBusy += 1;
      orders = [[isBusy(first.answer) ? second : first]];
    } else {
      this.races.bothRan += 1;
      orders = [
        [first, second],
        [second, first],
      ];
    }

    const candidates = orders.flatMap((order) => {
      const tried = model.clone();
      const fits = order.every(({ action, answer }) =>
        isDeepStrictEqual(tried.apply(action), answer.outcome),
      );

      return fits ? [tried] : [];
    });
    expect(
      candidates.length,
      `no order of the race explains ${JSON.stringify(pair)}`,
    ).toBeGreaterThan(0);

    return candidates;
  }

  // Resolves `command` against the model as it is before the step. A command with no
  // snapshot to act on creates one instead.
  async #prepare(domain: ModelDomain, command: Command): Promise<Prepared> {
    const names = domain.model.names();
    const gone = [...domain.snapshotIds.keys()].filter((name) => !domain.model.has(name));
    const pick = (from: string[], at: number) => from[at % from.length] as string;
    const createFresh = (stem: string, description: string | null) => {
      domain.named += 1;

      return this.#prepared(domain, {
        kind: 'create',
        name: `${stem}${domain.named}`,
        description,
      });
    };

    switch (command.kind) {
      case 'create': {
        if (!command.duplicate || names.length === 0) {
          return createFresh(command.stem, command.description);
        }

        const name = pick(names, command.pick);

        return this.#prepared(domain, { kind: 'create', name, description: command.description });
      }
      case 'redefine': {
        if (names.length === 0) {
          return createFresh('s', command.description);
        }

        const name = pick(names, command.pick);
        const xml = withDescription(await this.#xml(domain, name), command.description);
        const parent = domain.model.parentOf(name);
        const { description, current } = command;

        return this.#prepared(
          domain,
          { kind: 'redefine', name, parent, description, current },
          xml,
        );
      }
      case 'revert':
      case 'delete': {
        const from = command.stale && gone.length > 0 ? gone : names;
        if (from.length === 0) {
          return createFresh('s', null);
        }

        const name = pick(from, command.pick);

        return this.#prepared(
          domain,
          command.kind === 'revert'
            ? { kind: 'revert', name }
            : { kind: 'delete', name, scope: command.scope },
        );
      }
    }
  }

  #prepared(domain: ModelDomain, action: SnapshotAction, xml = ''): Prepared {
    switch (action.kind) {
      case 'create':
        return {
          action,
          send: async () =>
            answerOf(
              await this.#server.request(ConcurrencyCreateDocument, {
                input: { domainId: domain.id, name: action.name, description: action.description },
              }),
              (data) => data.createSnapshot,
            ),
        };
      case 'revert':
        return {
          action,
          send: async () =>
            answerOf(
              await this.#server.request(ConcurrencyRevertDocument, {
                input: { snapshotId: this.#snapshotId(domain, action.name) },
              }),
              (data) => data.revertToSnapshot,
            ),
        };
      case 'delete':
        return { action, send: () => this.#delete(domain, action.name, action.scope) };
      case 'redefine':
        return {
          action,
          send: async () =>
            answerOf(
              await this.#server.request(ConcurrencyRedefineDocument, {
                input: { domainId: domain.id, xml, current: action.current },
              }),
              (data) => data.redefineSnapshot,
            ),
        };
    }
  }

  async #delete(domain: ModelDomain, name: string, scope: DeleteScope): Promise<Answer> {
    const response = await this.#server.request(ConcurrencyDeleteDocument, {
      input: { snapshotId: this.#snapshotId(domain, name), scope },
    });

    return answerOf(
      response,
      (data) => ({ domain: data.deleteSnapshot.domain, snapshot: null }),
      response.data?.deleteSnapshot.deletedSnapshotNames,
    );
  }

  #snapshotId(domain: ModelDomain, name: string): string {
    const id = domain.snapshotIds.get(name);
    if (id === undefined) {
      throw new Error(`the server never listed a snapshot ${name} of ${domain.name}`);
    }

    return id;
  }

  async #xml(domain: ModelDomain, name: string): Promise<string> {
    const data = await this.#server.data(ConcurrencySnapshotXmlDocument, {
      id: this.#snapshotId(domain, name),
    });
    if (data.node === null || !('xml' in data.node)) {
      throw new Error(`the server has no XML for ${name} of ${domain.name}`);
    }

    return data.node.xml;
  }

  // Every domain's tree as the server lists it, in one request; remembers the IDs it shows.
  async #serverViews(): Promise<TreeView[]> {
    const data = await this.#server.data(ConcurrencyTreesDocument, {
      ids: this.#domains.map((domain) => domain.id),
    });

    return this.#domains.map((domain, at) => {
      const node = data.nodes[at];
      if (node === null || node === undefined || !('snapshots' in node)) {
        throw new Error(`the server lists no domain ${domain.name}`);
      }

      const snapshots = node.snapshots.nodes;
      const current = node.currentSnapshot?.name ?? null;
      expect(snapshots.filter((s) => s.isCurrent).map((s) => s.name)).toEqual(
        current === null ? [] : [current],
      );
      expect(node.hasCurrentSnapshot).toBe(current !== null);
      expect(node.snapshots.totalCount).toBe(snapshots.length);
      for (const snapshot of snapshots) {
        domain.snapshotIds.set(snapshot.name, snapshot.id);
      }

      return viewOf(
        current,
        snapshots.map((s) => ({
          name: s.name,
          parent: s.parent?.name ?? null,
          description: s.description ?? null,
        })),
      );
    });
  }
}

/** The candidate whose tree the server shows; fails with the difference when there is none. */
function matching(
  domain: string,
  view: TreeView,
  candidates: SnapshotTreeModel[],
): SnapshotTreeModel {
  const match = candidates.find((model) => isDeepStrictEqual(model.view(), view));
  if (match === undefined) {
    const predicted = candidates.map((model) => drawTree(model.view())).join(' or ');
    expect(view, `${domain}: the server's tree is not ${predicted}`).toEqual(candidates[0]?.view());
    throw new Error(`${domain}: the server's tree ${drawTree(view)} is not ${predicted}`);
  }

  return match;
}

function emptyView(): TreeView {
  return { current: null, parents: {}, descriptions: {} };
}

/** The shape the model's views take, from a listing of snapshots and the current one. */
function viewOf(
  current: string | null,
  snapshots: Array<{ name: string; parent: string | null; description: string | null }>,
): TreeView {
  const sorted = [...snapshots].sort((a, b) => (a.name < b.name ? -1 : 1));

  return {
    current,
    parents: Object.fromEntries(sorted.map((s) => [s.name, s.parent])),
    descriptions: Object.fromEntries(sorted.map((s) => [s.name, s.description])),
  };
}

/** A mutation's response as an {@link Answer}. */
function answerOf<R>(
  response: Response<R>,
  payloadOf: (data: R) => {
    snapshot?: ConcurrencySnapshotFragment | null;
    domain: ConcurrencyPayloadDomainFragment;
  },
  deleted: string[] = [],
): Answer {
  const error = response.errors?.[0];
  if (error !== undefined) {
    const errors = JSON.stringify(response.errors);
    expect(response.errors, errors).toHaveLength(1);
    expect(response.data ?? null, `data beside the errors ${errors}`).toBeNull();

    return {
      outcome: {
        ok: false,
        code: String(error.extensions?.code),
        reason: (error.extensions?.reason as string | undefined) ?? null,
      },
      payload: null,
    };
  }

  const payload = payloadOf(response.data as R);
  const snapshot = payload.snapshot ?? null;

  return {
    outcome: { ok: true, deleted: [...deleted].sort(byName) },
    payload: {
      current: payload.domain.currentSnapshot?.name ?? null,
      snapshot:
        snapshot === null
          ? null
          : {
              name: snapshot.name,
              description: snapshot.description ?? null,
              parent: snapshot.parent?.name ?? null,
              isCurrent: snapshot.isCurrent,
            },
    },
  };
}

/** Runs the model property with the seed and path of a failure to replay, if given. */
async function assertModel(
  run: ModelRun,
  domains: number,
  options: {
    numRuns: number;
    steps: { min: number; max: number };
    /** Report a failure as found, without shrinking it: for slow hosts. */
    endOnFailure: boolean;
    /** When to stop shrinking (and fail) so that the test ends before its timeout. */
    timeLimitMs: number;
  },
): Promise<void> {
  const seed = process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED);
  await fc.assert(
    fc.asyncProperty(stepsArb(domains, options.steps), (steps) => run.run(steps)),
    {
      numRuns: options.numRuns,
      endOnFailure: options.endOnFailure,
      plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs, { failOnInterrupt: true })],
      ...(seed === undefined ? {} : { seed, path: process.env.MODEL_PATH }),
    },
  );
}

function report(part: string, run: ModelRun): void {
  const tally = [...run.tally].sort(([a], [b]) => byName(a, b));
  console.info(part, { races: run.races, answers: Object.fromEntries(tally) });
}

/** libvirt's listing through the server's own connection: a test-driver file is private to it. */
async function hostListing(host: Host, uuid: string): Promise<TreeView> {
  const names = await host.snapshotNames(uuid, null);
  const { current } = await host.snapshotSummary(uuid);
  const parents = new Map<string, string | null>(names.map((name) => [name, null]));
  const descriptions = new Map<string, string | null>();
  for (const name of names) {
    for (const child of await host.childNames(uuid, name, null, false)) {
      parents.set(child, name);
    }
    descriptions.set(name, await descriptionIn(await host.snapshotXml(uuid, name, false)));
  }

  return viewOf(
    current,
    names.map((name) => ({
      name,
      parent: parents.get(name) ?? null,
      description: descriptions.get(name) ?? null,
    })),
  );
}

async function parentName(snapshot: DomainSnapshot): Promise<string | null> {
  let parent: DomainSnapshot;
  try {
    parent = await snapshot.parent();
  } catch (error) {
    if (error instanceof LibvirtError && error.code === ErrorNumber.NO_DOMAIN_SNAPSHOT) {
      return null;
    }

    throw error;
  }

  try {
    return await parent.name();
  } finally {
    await parent.free();
  }
}

/** libvirt's listing through a connection of the test's own, snapshot by snapshot. */
async function bindingListing(domain: Domain): Promise<TreeView> {
  const snapshots = await domain.listAllSnapshots();
  try {
    const rows = await Promise.all(
      snapshots.map(async (snapshot) => ({
        name: await snapshot.name(),
        parent: await parentName(snapshot),
        description: await descriptionIn(await snapshot.xmlDesc()),
        isCurrent: await snapshot.isCurrent(),
      })),
    );
    const current = rows.filter((row) => row.isCurrent).map((row) => row.name);
    expect(current.length).toBeLessThanOrEqual(1);
    expect(await domain.hasCurrentSnapshot()).toBe(current.length === 1);

    return viewOf(current[0] ?? null, rows);
  } finally {
    await Promise.all(snapshots.map((snapshot) => snapshot.free()));
  }
}

/** The domains called `names` on the host `host`, as the model starts them. */
async function modelDomains(
  server: TestServer,
  host: string,
  names: string[],
): Promise<ModelDomain[]> {
  return Promise.all(
    names.map(async (name) => {
      const { domain } = await server.data(ConcurrencyDomainDocument, { name, host });
      if (domain === null) {
        throw new Error(`the server lists no domain ${name} on ${host}`);
      }

      return {
        name,
        id: domain.id,
        uuid: domain.uuid,
        model: new SnapshotTreeModel(),
        snapshotIds: new Map<string, string>(),
        named: 0,
      };
    }),
  );
}

describe('mutations sent concurrently to several domains', () => {
  describe('on the test driver', () => {
    const names = ['model-a', 'model-b', 'model-c'];
    let fixture: TestDriverFixture;
    let server: TestServer;

    beforeAll(async () => {
      fixture = testDriverFixture(names.map((name) => ({ name })));
      server = await startTestServer({ uris: [fixture.uri] });
    });

    afterAll(async () => {
      await server?.stop();
      fixture?.dispose();
    });

    it('leave every tree as the model predicts, step by step and in libvirt', async () => {
      const domains = await modelDomains(server, fixture.uri, names);
      const host = server.hosts.byName(fixture.uri) as Host;
      const run = new ModelRun(server, domains, (domain) => hostListing(host, domain.uuid));

      await assertModel(run, domains.length, {
        numRuns: 10,
        steps: { min: 1, max: 50 },
        endOnFailure: false,
        timeLimitMs: 90_000,
      });
      report('test driver', run);
      // Every kind of change succeeded at least once, and some races were real.
      for (const kind of [
        'create',
        'revert',
        'redefine',
        'delete SNAPSHOT',
        'delete SNAPSHOT_AND_DESCENDANTS',
        'delete DESCENDANTS_ONLY',
      ]) {
        expect(run.tally.get(`${kind}: ok`), kind).toBeGreaterThan(0);
      }
      expect(run.races.oneBusy).toBeGreaterThan(0);
    }, 120_000);
  });

  describe('on libvirtd with QEMU', () => {
    const URI = 'qemu:///system';
    let libvirt: Libvirt;
    let connection: Connection;
    let server: TestServer;
    const qemuDomains = new QemuDomains(() => connection);
    const handles = new Map<string, Domain>();

    beforeAll(async () => {
      libvirt = await startBinding(2);
      connection = await libvirt.open(URI);
      server = await startTestServer({ uris: [URI] });
      for (const qemuDomain of await Promise.all([qemuDomains.create(), qemuDomains.create()])) {
        handles.set(qemuDomain.name, qemuDomain.domain);
      }
    });

    afterAll(async () => {
      await server?.stop();
      await qemuDomains.disposeAll();
      await connection?.close();
      await libvirt?.close();
    });

    it('leave every tree as the model predicts, step by step and in libvirt', async () => {
      const domains = await modelDomains(server, URI, [...handles.keys()]);
      const run = new ModelRun(server, domains, (domain) =>
        bindingListing(handles.get(domain.name) as Domain),
      );

      await assertModel(run, domains.length, {
        numRuns: 3,
        steps: { min: 12, max: 15 },
        endOnFailure: true,
        timeLimitMs: 100_000,
      });
      report('QEMU', run);
    }, 120_000);
  });
});
