import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_DEFAULTS } from '../../src/config.ts';
import {
  type Connection,
  ErrorDomain,
  ErrorNumber,
  Libvirt,
  LibvirtError,
} from '../../src/ffi/index.ts';
import { encodeGlobalID } from '../../src/resolvers/builder.ts';
import { encodeKey } from '../../src/resolvers/ids.ts';
import type { CreateSnapshotInput, SnapshotFilter } from '../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import { createQemuDomain, diskSnapshotNames, type QemuDomain } from '../support/qemu-domain.ts';
import { chain, type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';
import {
  BadInputChildCountDocument,
  BadInputChildNamesDocument,
  BadInputChildrenDocument,
  BadInputCreateDocument,
  BadInputDeleteDocument,
  BadInputDescendantsDocument,
  BadInputNodeDocument,
  BadInputRedefineDocument,
  BadInputRevertDocument,
  BadInputSnapshotsPageDocument,
  BadInputTreeDocument,
} from './bad-input.generated.ts';

/**
 * Everything a client can get wrong, sent over HTTP: malformed, foreign and stale IDs; names
 * and descriptions libvirt cannot keep; invalid, truncated and hostile XML; flags that
 * contradict each other or the domain; `xml` beside the structured fields; pages over the cap
 * and `roots` on a children list. Each refusal must carry the contract's code and leave the
 * domain's snapshots exactly as they were: names, parents, the current one and every
 * snapshot's XML. Most cases run on private test-driver fixtures; what only a real hypervisor
 * shows runs on a throwaway QEMU domain (`qemu:///system`).
 */

const QEMU_URI = 'qemu:///system';
const MIB = 1024 * 1024;
const CAP = LIMIT_DEFAULTS.pageSizeCap;

const fixtureDomains = [
  { name: 'ids', snapshots: chain(['a', 'b']) },
  { name: 'gone', snapshots: chain(['a']) },
  { name: 'names', snapshots: chain(['a', 'b']) },
  { name: 'verbatim', snapshots: chain(['a']) },
  { name: 'xml', snapshots: chain(['a', 'b']) },
  { name: 'hostile', snapshots: chain(['a', 'b']) },
  { name: 'elsewhere', snapshots: chain(['theirs']) },
  { name: 'flags', snapshots: chain(['a']) },
  { name: 'transient', transient: true, snapshots: chain(['a']) },
  { name: 'both', snapshots: chain(['a']) },
  { name: 'lists', snapshots: chain(['a', 'b', 'c']) },
];

let fixture: TestDriverFixture;
let server: TestServer;
let libvirt: Libvirt;
let connection: Connection;
const qemuDomains: QemuDomain[] = [];

beforeAll(async () => {
  fixture = testDriverFixture(fixtureDomains);
  libvirt = await Libvirt.start({ callThreads: 2 });
  connection = await libvirt.open(QEMU_URI);
  server = await startTestServer({ uris: [fixture.uri, QEMU_URI] });
});

afterAll(async () => {
  const disposals = await Promise.allSettled(qemuDomains.map(disposeQemuDomain));
  await server?.stop();
  await connection?.close();
  await libvirt?.close();
  fixture?.dispose();
  for (const disposal of disposals) {
    if (disposal.status === 'rejected') {
      throw disposal.reason;
    }
  }
});

/** What a refused call must leave exactly as it was; null when the domain does not exist. */
interface TreeState {
  domainId: string;
  uuid: string;
  state: string;
  persistent: boolean;
  current: string | null;
  snapshots: Array<{
    id: string;
    name: string;
    parent: string | null;
    isCurrent: boolean;
    xml: string;
  }>;
}

/** The domain's state and whole snapshot tree, each snapshot with its XML, read afresh. */
async function treeOf(domain: string): Promise<TreeState | null> {
  const found = (await server.data(BadInputTreeDocument, { domain })).domain;
  if (found === null) {
    return null;
  }

  const nodes = found.snapshots.nodes;
  expect(found.snapshots.totalCount).toBe(nodes.length);

  return {
    domainId: found.id,
    uuid: found.uuid,
    state: found.state,
    persistent: found.persistent,
    current: found.currentSnapshot?.name ?? null,
    snapshots: nodes.map((node) => ({
      id: node.id,
      name: node.name,
      parent: node.parent?.name ?? null,
      isCurrent: node.isCurrent,
      xml: node.xml,
    })),
  };
}

/** The tree of a domain that must exist. */
async function existing(domain: string): Promise<TreeState> {
  const tree = await treeOf(domain);
  if (tree === null) {
    throw new Error(`the server lists no domain called ${domain}`);
  }

  return tree;
}

/** The ID of the snapshot `name` in `tree`. */
function idOf(tree: TreeState, name: string): string {
  const snapshot = tree.snapshots.find((candidate) => candidate.name === name);
  if (snapshot === undefined) {
    throw new Error(`no snapshot ${name} in the tree`);
  }

  return snapshot.id;
}

/** The XML of the snapshot `name` in `tree`. */
function xmlOf(tree: TreeState, name: string): string {
  const snapshot = tree.snapshots.find((candidate) => candidate.name === name);
  if (snapshot === undefined) {
    throw new Error(`no snapshot ${name} in the tree`);
  }

  return snapshot.xml;
}

/** A refused operation: its one error, the whole response as sent, and how long it took. */
interface Refusal {
  code: unknown;
  reason: unknown;
  libvirt: unknown;
  message: string;
  /** The response body as the client received it, to search for leaked content. */
  body: string;
  elapsedMs: number;
}

/**
 * Sends one bad operation and returns its one error. The tree of `domain` (and of every
 * other domain in `alsoUnchanged`) is read before and after: the refusal must change nothing.
 * A refused mutation answers no data at all.
 */
async function refused<R, V>(
  domain: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  alsoUnchanged: string[] = [],
): Promise<Refusal> {
  const watched = [domain, ...alsoUnchanged];
  const before = await Promise.all(watched.map(treeOf));
  const started = performance.now();
  const response = await server.request(document, variables);
  const elapsedMs = performance.now() - started;
  const body = JSON.stringify(response);
  const label = `${operationName(document)} ${body.slice(0, 300)}`;

  expect(response.errors, label).toHaveLength(1);
  if (isMutation(document)) {
    expect(response.data ?? null, label).toBeNull();
  }

  const after = await Promise.all(watched.map(treeOf));
  expect(after, `${label}: the tree changed`).toEqual(before);
  const error = response.errors?.[0];

  return {
    code: error?.extensions?.code,
    reason: error?.extensions?.reason,
    libvirt: error?.extensions?.libvirt,
    message: error?.message ?? '',
    body,
    elapsedMs,
  };
}

function operationName(document: DocumentNode): string {
  const [definition] = document.definitions;

  return definition?.kind === 'OperationDefinition' ? (definition.name?.value ?? '') : '';
}

function isMutation(document: DocumentNode): boolean {
  const [definition] = document.definitions;

  return definition?.kind === 'OperationDefinition' && definition.operation === 'mutation';
}

/** Expects `refusal` to be BAD_USER_INPUT raised by the server itself, before libvirt. */
function expectRefusedBeforeLibvirt(refusal: Refusal, label: string): void {
  expect(refusal, label).toMatchObject({ code: 'BAD_USER_INPUT', libvirt: undefined });
}

async function create(input: CreateSnapshotInput) {
  return (await server.data(BadInputCreateDocument, { input })).createSnapshot;
}

/** An ID as the server writes them, with any typename and key: for forging bad ones. */
function globalId(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

describe('IDs', () => {
  it('refuses malformed IDs, and IDs of another type or API, as BAD_USER_INPUT', async () => {
    const tree = await existing('ids');
    const uri = fixture.uri;
    const malformed = [
      '',
      'garbage',
      '!!!',
      ` ${tree.domainId}`,
      `${tree.domainId}=`,
      'A'.repeat(100_000),
      globalId('Domain:'),
      globalId('Domain:not json'),
      globalId('Domain:null'),
      globalId('Domain:[]'),
      globalId('Domain:["only-one"]'),
      globalId('Domain:[1,2]'),
      globalId(`Domain:${encodeKey([uri, tree.uuid, 'a'])}`),
      globalId(`Domain:${encodeKey([uri, 'not-a-uuid'])}`),
      globalId(`Domain:${encodeKey([uri, ''])}`),
      globalId('Snapshot:'),
      globalId(`Snapshot:${encodeKey([uri, tree.uuid])}`),
      globalId(`Snapshot:${encodeKey([uri, 'not-a-uuid', 'a'])}`),
      globalId('domain:["x","y"]'),
      globalId('User:42'),
    ];
    const ofAnotherType = {
      domainIds: [idOf(tree, 'a'), encodeGlobalID('Host', uri)],
      snapshotIds: [tree.domainId, encodeGlobalID('Host', uri)],
    };
    const xml = xmlOf(tree, 'a');

    for (const domainId of [...malformed, ...ofAnotherType.domainIds]) {
      const creating = await refused('ids', BadInputCreateDocument, {
        input: { domainId, name: 'new' },
      });
      const redefining = await refused('ids', BadInputRedefineDocument, {
        input: { domainId, xml },
      });

      expect(creating.code, domainId.slice(0, 80)).toBe('BAD_USER_INPUT');
      expect(redefining.code, domainId.slice(0, 80)).toBe('BAD_USER_INPUT');
    }
    for (const snapshotId of [...malformed, ...ofAnotherType.snapshotIds]) {
      const reverting = await refused('ids', BadInputRevertDocument, { input: { snapshotId } });
      const deleting = await refused('ids', BadInputDeleteDocument, { input: { snapshotId } });

      expect(reverting.code, snapshotId.slice(0, 80)).toBe('BAD_USER_INPUT');
      expect(deleting.code, snapshotId.slice(0, 80)).toBe('BAD_USER_INPUT');
    }
    for (const id of malformed) {
      const reading = await refused('ids', BadInputNodeDocument, { id });

      expect(reading.code, id.slice(0, 80)).toBe('BAD_USER_INPUT');
    }
  });

  it('answers NOT_FOUND for a well-formed ID of a host this server does not have', async () => {
    const tree = await existing('ids');
    const host = 'qemu+ssh://another-server/system';
    const domainId = encodeGlobalID('Domain', encodeKey([host, tree.uuid]));
    const snapshotId = encodeGlobalID('Snapshot', encodeKey([host, tree.uuid, 'a']));

    const refusals = [
      await refused('ids', BadInputCreateDocument, { input: { domainId, name: 'new' } }),
      await refused('ids', BadInputRedefineDocument, {
        input: { domainId, xml: xmlOf(tree, 'a') },
      }),
      await refused('ids', BadInputRevertDocument, { input: { snapshotId } }),
      await refused('ids', BadInputDeleteDocument, { input: { snapshotId } }),
    ];

    for (const refusal of refusals) {
      expect(refusal.code).toBe('NOT_FOUND');
    }
    expect(await server.data(BadInputNodeDocument, { id: domainId })).toEqual({ node: null });
    expect(await server.data(BadInputNodeDocument, { id: snapshotId })).toEqual({ node: null });
  });

  it('answers NOT_FOUND for the IDs of a deleted snapshot and of a domain that is gone', async () => {
    const { domainId } = await existing('gone');
    const doomed = (await create({ domainId, name: 'doomed' })).snapshot;
    const doomedId = doomed?.id as string;
    const doomedXml = doomed?.xml as string;
    await server.data(BadInputDeleteDocument, { input: { snapshotId: doomedId } });
    const uri = fixture.uri;
    const missing = randomUUID();
    const goneDomainId = encodeGlobalID('Domain', encodeKey([uri, missing]));
    const onGoneDomain = encodeGlobalID('Snapshot', encodeKey([uri, missing, 'a']));

    for (const snapshotId of [doomedId, onGoneDomain]) {
      const reverting = await refused('gone', BadInputRevertDocument, { input: { snapshotId } });

      expect(reverting.code).toBe('NOT_FOUND');
      for (const scope of ['SNAPSHOT', 'SNAPSHOT_AND_DESCENDANTS', 'DESCENDANTS_ONLY'] as const) {
        const deleting = await refused('gone', BadInputDeleteDocument, {
          input: { snapshotId, scope },
        });

        expect(deleting.code, scope).toBe('NOT_FOUND');
      }
    }
    const creating = await refused('gone', BadInputCreateDocument, {
      input: { domainId: goneDomainId, name: 'new' },
    });
    const redefining = await refused('gone', BadInputRedefineDocument, {
      input: { domainId: goneDomainId, xml: doomedXml },
    });
    expect(creating.code).toBe('NOT_FOUND');
    expect(redefining.code).toBe('NOT_FOUND');
    expect(await server.data(BadInputNodeDocument, { id: doomedId })).toEqual({ node: null });
    expect(await server.data(BadInputNodeDocument, { id: goneDomainId })).toEqual({ node: null });
  });
});

describe('names and descriptions', () => {
  it('refuses empty, huge and control-character names before libvirt', async () => {
    const { domainId } = await existing('names');
    const names = [
      '',
      'n'.repeat(MIB),
      // 248 bytes of UTF-8: one over what libvirt's QEMU driver can name a metadata file after.
      '\u00e9'.repeat(124),
      'a/b',
      ...['\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085'].map(
        (control) => `a${control}b`,
      ),
    ];

    for (const name of names) {
      const label = JSON.stringify(name.slice(0, 20));
      const structured = await refused('names', BadInputCreateDocument, {
        input: { domainId, name },
      });
      const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const inDocument = await refused('names', BadInputCreateDocument, {
        input: { domainId, xml: `<domainsnapshot><name>${escaped}</name></domainsnapshot>` },
      });

      expectRefusedBeforeLibvirt(structured, label);
      expect(inDocument.code, label).toBe('BAD_USER_INPUT');
      // A refusal quotes a huge value in part, not whole.
      expect(structured.body.length, label).toBeLessThan(2000);
    }
  });

  it('refuses empty, huge and control-character descriptions before libvirt', async () => {
    const { domainId } = await existing('names');
    const descriptions = [
      '',
      'd'.repeat(MIB),
      'd'.repeat(64 * 1024 + 1),
      ...['\u0000', '\u0001', '\u000b', '\u000c', '\u001b', '\ufffe', '\ud800'].map(
        (control) => `x${control}y`,
      ),
    ];

    for (const description of descriptions) {
      const label = JSON.stringify(description.slice(0, 20));
      const refusal = await refused('names', BadInputCreateDocument, {
        input: { domainId, name: 'described', description },
      });

      expectRefusedBeforeLibvirt(refusal, label);
      expect(refusal.body.length, label).toBeLessThan(2000);
    }

    const inDocument = await refused('names', BadInputCreateDocument, {
      input: {
        domainId,
        xml: `<domainsnapshot><description>${'d'.repeat(MIB)}</description></domainsnapshot>`,
      },
    });
    expectRefusedBeforeLibvirt(inDocument, 'a 1 MiB description in a document');
  });

  it('takes XML-special names and descriptions as given, and nothing besides', async () => {
    const before = await existing('verbatim');
    const taken = [
      { name: `<x>&'"`, description: `</description><name>spliced</name>` },
      { name: ']]>', description: '<![CDATA[ kept ]]>' },
      { name: '<name>b<!-- c -->', description: '&amp; &lt; &#65; &unknown;' },
      { name: `${'\u00e9'.repeat(123)}x`, description: 'two\n\tlines\r\nand a return' },
    ];

    let parent = before.current;
    const added: TreeState['snapshots'] = [];
    for (const { name, description } of taken) {
      const snapshot = (await create({ domainId: before.domainId, name, description })).snapshot;

      expect(snapshot).toMatchObject({ name, description });
      added.push({
        id: snapshot?.id as string,
        name,
        parent,
        isCurrent: false,
        xml: snapshot?.xml as string,
      });
      parent = name;
    }

    // The same through a whole document, its markup escaped once and hidden in CDATA once.
    const fromDocument = (
      await create({
        domainId: before.domainId,
        xml:
          '<domainsnapshot><name>&lt;doc&gt;&amp;</name>' +
          '<description><![CDATA[</description><name>spliced</name>]]></description>' +
          '</domainsnapshot>',
      })
    ).snapshot;
    expect(fromDocument).toMatchObject({
      name: '<doc>&',
      description: '</description><name>spliced</name>',
    });
    added.push({
      id: fromDocument?.id as string,
      name: '<doc>&',
      parent,
      isCurrent: false,
      xml: fromDocument?.xml as string,
    });
    parent = '<doc>&';

    const after = await existing('verbatim');
    const last = added.at(-1);
    if (last !== undefined) {
      last.isCurrent = true;
    }
    expect(after).toEqual({
      ...before,
      current: parent,
      snapshots: [
        ...before.snapshots.map((snapshot) => ({ ...snapshot, isCurrent: false })),
        ...added,
      ],
    });
  });
});

describe('snapshot XML', () => {
  it('refuses XML libvirt cannot read as BAD_USER_INPUT, to create and to redefine', async () => {
    const { domainId } = await existing('xml');
    const invalid = [
      '',
      '   ',
      'not XML at all',
      '<domain><name>x</name></domain>',
      '<domainsnapshot><name>x</name></domainsnapshot><domainsnapshot/>',
      '<domainsnapshot><name>a&#0;b</name></domainsnapshot>',
      '<domainsnapshot><name>&undeclared;</name></domainsnapshot>',
      '<domainsnapshot><name>x</name><disks><disk snapshot="internal"/></disks></domainsnapshot>',
      `<domainsnapshot><name>x</name><memory snapshot='sideways'/></domainsnapshot>`,
      '<domainsnapshot><name>a/b</name></domainsnapshot>',
    ];

    for (const xml of invalid) {
      const creating = await refused('xml', BadInputCreateDocument, { input: { domainId, xml } });
      const redefining = await refused('xml', BadInputRedefineDocument, {
        input: { domainId, xml },
      });

      expect(creating.code, xml).toBe('BAD_USER_INPUT');
      expect(redefining.code, xml).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a document to redefine without its name, creation time or a known state', async () => {
    const tree = await existing('xml');
    const xml = xmlOf(tree, 'b');
    const redefinitions = [
      xml.replace(/<name>b<\/name>/, ''),
      xml.replace(/<creationTime>\d+<\/creationTime>/, ''),
      xml.replace(/<creationTime>\d+<\/creationTime>/, '<creationTime>yesterday</creationTime>'),
      xml.replace(/<state>running<\/state>/, '<state>sideways</state>'),
      xml.replace(/<state>running<\/state>/, ''),
    ];

    for (const changed of redefinitions) {
      expect(changed).not.toBe(xml);
      const refusal = await refused('xml', BadInputRedefineDocument, {
        input: { domainId: tree.domainId, xml: changed },
      });

      expect(refusal.code, refusal.message).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a truncated document as BAD_USER_INPUT, to create and to redefine', async () => {
    const tree = await existing('xml');
    const xml = xmlOf(tree, 'b');
    // Renamed, so that creating it would not be refused as a name already taken instead.
    const renamed = xml.replace('<name>b</name>', '<name>copy</name>');
    const cuts = [renamed.trimEnd().length - 1, Math.floor(renamed.length / 2), 30, 1];

    for (const cut of cuts) {
      const truncated = renamed.slice(0, cut);
      const creating = await refused('xml', BadInputCreateDocument, {
        input: { domainId: tree.domainId, xml: truncated },
      });
      const redefining = await refused('xml', BadInputRedefineDocument, {
        input: { domainId: tree.domainId, xml: truncated },
      });

      expect(creating, `cut at ${cut}`).toMatchObject({
        code: 'BAD_USER_INPUT',
        libvirt: { code: ErrorNumber.XML_DETAIL },
      });
      expect(redefining, `cut at ${cut}`).toMatchObject({
        code: 'BAD_USER_INPUT',
        libvirt: { code: ErrorNumber.XML_DETAIL },
      });
    }
  });

  it('refuses the <domainsnapshot> of another domain, to create and to redefine', async () => {
    const target = await existing('xml');
    const theirs = xmlOf(await existing('elsewhere'), 'theirs');

    const creating = await refused(
      'xml',
      BadInputCreateDocument,
      { input: { domainId: target.domainId, xml: theirs } },
      ['elsewhere'],
    );
    const redefining = await refused(
      'xml',
      BadInputRedefineDocument,
      { input: { domainId: target.domainId, xml: theirs, current: true } },
      ['elsewhere'],
    );

    expectRefusedBeforeLibvirt(creating, 'create');
    expectRefusedBeforeLibvirt(redefining, 'redefine');
    expect(creating.message).toContain('not this domain');
  });
});

describe('hostile XML', () => {
  let secretDirectory: string;
  let secretFile: string;
  const secret = `vsg-secret-${randomUUID()}`;

  beforeAll(() => {
    secretDirectory = mkdtempSync(join(tmpdir(), 'vsg-bad-input-'));
    secretFile = join(secretDirectory, 'secret.txt');
    writeFileSync(secretFile, secret);
  });

  afterAll(() => {
    rmSync(secretDirectory, { recursive: true, force: true });
  });

  /** `body` of a <domainsnapshot> behind a DOCTYPE that declares `declarations`. */
  function withDoctype(declarations: string, body: string): string {
    return `<?xml version="1.0"?>\n<!DOCTYPE domainsnapshot [\n${declarations}\n]>\n${body}`;
  }

  /** Ten levels of ten references each: 10^10 'lol's once expanded. */
  function billionLaughs(): string {
    const levels = ['<!ENTITY lol0 "lol">'];
    for (let level = 1; level <= 10; level++) {
      levels.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
    }

    return levels.join('\n');
  }

  function hostileDocuments(): Record<string, string> {
    const file = `file://${secretFile}`;

    return {
      'an external entity in the description': withDoctype(
        `<!ENTITY leak SYSTEM "${file}">`,
        '<domainsnapshot><name>leak</name><description>&leak;</description></domainsnapshot>',
      ),
      'an external entity as the name': withDoctype(
        `<!ENTITY leak SYSTEM "${file}">`,
        '<domainsnapshot><name>&leak;</name></domainsnapshot>',
      ),
      'an external parameter entity': withDoctype(
        `<!ENTITY % leak SYSTEM "${file}"> %leak;`,
        '<domainsnapshot><name>leak</name></domainsnapshot>',
      ),
      'an external DTD': `<!DOCTYPE domainsnapshot SYSTEM "${file}">\n<domainsnapshot><name>leak</name></domainsnapshot>`,
      'a billion laughs': withDoctype(
        billionLaughs(),
        '<domainsnapshot><name>lol</name><description>&lol10;</description></domainsnapshot>',
      ),
      'a quadratic blowup': withDoctype(
        `<!ENTITY big "${'x'.repeat(50_000)}">`,
        `<domainsnapshot><name>big</name><description>${'&big;'.repeat(20_000)}</description></domainsnapshot>`,
      ),
      'a harmless-looking internal entity': withDoctype(
        '<!ENTITY e "expanded">',
        '<domainsnapshot><name>entity</name><description>&e;</description></domainsnapshot>',
      ),
    };
  }

  it('refuses any DOCTYPE before libvirt: no entity is resolved, none is expanded', async () => {
    const { domainId } = await existing('hostile');

    for (const [label, xml] of Object.entries(hostileDocuments())) {
      const refusal = await refused('hostile', BadInputCreateDocument, {
        input: { domainId, xml },
      });

      expectRefusedBeforeLibvirt(refusal, label);
      expect(refusal.body, label).not.toContain(secret);
      expect(refusal.elapsedMs, label).toBeLessThan(2000);
    }
  });

  it('refuses a DOCTYPE in a document to redefine, even around a real snapshot', async () => {
    const tree = await existing('hostile');
    const xml = xmlOf(tree, 'b');
    const declarations = [
      {
        label: 'an external entity',
        declared: `<!ENTITY leak SYSTEM "file://${secretFile}">`,
        entity: '&leak;',
      },
      { label: 'a billion laughs', declared: billionLaughs(), entity: '&lol10;' },
    ];

    for (const { label, declared, entity } of declarations) {
      const document = withDoctype(
        declared,
        xml.replace('<name>b</name>', `<name>b</name>\n  <description>${entity}</description>`),
      );
      const refusal = await refused('hostile', BadInputRedefineDocument, {
        input: { domainId: tree.domainId, xml: document },
      });

      expectRefusedBeforeLibvirt(refusal, label);
      expect(refusal.body, label).not.toContain(secret);
      expect(refusal.elapsedMs, label).toBeLessThan(2000);
    }
    expect(JSON.stringify(await existing('hostile'))).not.toContain(secret);
  });
});

// quiesce without diskOnly is refused on QEMU, below: the test driver does not enforce that
// rule of libvirt's and takes the snapshot.
describe('flags', () => {
  // The test driver takes no disk-only snapshot at all: libvirt refuses the flag itself.
  it('refuses diskOnly with memory as BAD_USER_INPUT', async () => {
    const { domainId } = await existing('flags');
    const withMemory: Array<{ label: string; input: CreateSnapshotInput }> = [
      {
        label: 'internal memory',
        input: { domainId, name: 'x', diskOnly: true, memory: { mode: 'INTERNAL' } },
      },
      {
        label: 'external memory',
        input: {
          domainId,
          name: 'x',
          diskOnly: true,
          memory: { mode: 'EXTERNAL', file: '/var/lib/vsg-fixture/memory' },
        },
      },
      {
        label: 'memory in the document',
        input: {
          domainId,
          diskOnly: true,
          xml: `<domainsnapshot><name>x</name><memory snapshot='internal'/></domainsnapshot>`,
        },
      },
    ];

    for (const { label, input } of withMemory) {
      const refusal = await refused('flags', BadInputCreateDocument, { input });

      expect(refusal.code, label).toBe('BAD_USER_INPUT');
    }
  });

  // libvirt's rule, which only its QEMU driver enforces, and as an unsupported operation.
  it('refuses live without memory saved to an external file, before libvirt', async () => {
    const { domainId } = await existing('flags');
    const conflicting: Array<{ label: string; input: CreateSnapshotInput }> = [
      { label: 'live, no memory given', input: { domainId, name: 'x', live: true } },
      {
        label: 'live, internal memory',
        input: { domainId, name: 'x', live: true, memory: { mode: 'INTERNAL' } },
      },
      {
        label: 'live, no memory',
        input: { domainId, name: 'x', live: true, memory: { mode: 'NO' } },
      },
      {
        label: 'live, internal memory in the document',
        input: {
          domainId,
          live: true,
          xml: `<domainsnapshot><name>x</name><memory snapshot='internal'/></domainsnapshot>`,
        },
      },
      {
        label: 'live, no memory in the document',
        input: { domainId, live: true, xml: '<domainsnapshot><name>x</name></domainsnapshot>' },
      },
    ];

    for (const { label, input } of conflicting) {
      const refusal = await refused('flags', BadInputCreateDocument, { input });

      expectRefusedBeforeLibvirt(refusal, label);
    }
  });

  it('refuses halt on a transient domain with CONFLICT (INVALID_STATE)', async () => {
    const before = await existing('transient');
    expect(before).toMatchObject({ persistent: false, state: 'RUNNING' });

    const refusal = await refused('transient', BadInputCreateDocument, {
      input: { domainId: before.domainId, name: 'x', halt: true },
    });

    expect(refusal).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_STATE',
      libvirt: { code: ErrorNumber.OPERATION_INVALID, domain: ErrorDomain.TEST },
    });
  });
});

describe('xml with the structured fields', () => {
  it('refuses xml beside any structured field as BAD_USER_INPUT', async () => {
    const { domainId } = await existing('both');
    const xml = '<domainsnapshot><name>x</name></domainsnapshot>';
    const structured: Array<Partial<CreateSnapshotInput>> = [
      { name: 'y' },
      { name: '' },
      { description: 'd' },
      { memory: { mode: 'NO' } },
      { disks: [{ name: 'vda', mode: 'INTERNAL' }] },
      { disks: [] },
    ];

    for (const fields of structured) {
      for (const given of [xml, '']) {
        const refusal = await refused('both', BadInputCreateDocument, {
          input: { domainId, xml: given, ...fields },
        });

        expectRefusedBeforeLibvirt(refusal, JSON.stringify(fields));
        expect(refusal.message).toContain('not both');
      }
    }
  });
});

describe('lists', () => {
  it('refuses first or last over the page-size cap, or negative, on every list', async () => {
    const pages = [{ first: CAP + 1 }, { last: CAP + 1 }, { first: -1 }, { last: -1 }];

    for (const page of pages) {
      const label = JSON.stringify(page);
      const snapshots = await refused('lists', BadInputSnapshotsPageDocument, {
        domain: 'lists',
        ...page,
      });
      const children = await refused('lists', BadInputChildrenDocument, {
        domain: 'lists',
        name: 'a',
        ...page,
      });
      const descendants = await refused('lists', BadInputDescendantsDocument, {
        domain: 'lists',
        name: 'a',
        ...page,
      });

      expectRefusedBeforeLibvirt(snapshots, label);
      expectRefusedBeforeLibvirt(children, label);
      expectRefusedBeforeLibvirt(descendants, label);
    }

    // At the cap itself the lists answer.
    const whole = await server.data(BadInputSnapshotsPageDocument, { domain: 'lists', first: CAP });
    const below = await server.data(BadInputDescendantsDocument, {
      domain: 'lists',
      name: 'a',
      last: CAP,
    });
    expect(whole.domain?.snapshots.totalCount).toBe(3);
    expect(below.domain?.snapshot?.descendants.nodes).toEqual([{ name: 'b' }, { name: 'c' }]);
  });

  it('refuses roots on children and descendants as BAD_USER_INPUT', async () => {
    for (const filter of [{ roots: true }, { roots: false }] satisfies SnapshotFilter[]) {
      const label = JSON.stringify(filter);
      const on = { domain: 'lists', name: 'a', filter };
      const refusals = [
        await refused('lists', BadInputChildrenDocument, on),
        await refused('lists', BadInputDescendantsDocument, on),
        await refused('lists', BadInputChildCountDocument, on),
        await refused('lists', BadInputChildCountDocument, { ...on, descendants: true }),
        await refused('lists', BadInputChildNamesDocument, on),
        await refused('lists', BadInputChildNamesDocument, { ...on, descendants: true }),
      ];

      for (const refusal of refusals) {
        expectRefusedBeforeLibvirt(refusal, label);
      }
    }

    // On the domain's own list roots is a filter like any other.
    const roots = await server.data(BadInputSnapshotsPageDocument, {
      domain: 'lists',
      filter: { roots: true },
    });
    expect(roots.domain?.snapshots.nodes).toEqual([{ name: 'a' }]);
  });
});

/** Removes a throwaway QEMU domain; one that undefined itself (transient, stopped) is fine. */
async function disposeQemuDomain(qemuDomain: QemuDomain): Promise<void> {
  try {
    await qemuDomain.dispose();
  } catch (error) {
    if (await isDefined(qemuDomain.name)) {
      throw error;
    }
  }
}

async function isDefined(name: string): Promise<boolean> {
  try {
    await (await connection.lookupDomainByName(name)).free();

    return true;
  } catch (error) {
    if (error instanceof LibvirtError && error.code === ErrorNumber.NO_DOMAIN) {
      return false;
    }

    throw error;
  }
}

async function qemuDomain(): Promise<QemuDomain> {
  const made = await createQemuDomain(connection);
  qemuDomains.push(made);

  return made;
}

describe('on QEMU', () => {
  // One running domain, made transient by undefining it, with one internal snapshot taken
  // while it was shut off. libvirt refuses halt, quiesce and diskOnly with memory itself, the
  // server refuses live and the DOCTYPE before libvirt; nothing reaches the disk.
  it('refuses flags that contradict each other or a transient domain, leaving the disk as it was', async () => {
    const made = await qemuDomain();
    const { domainId } = await existing(made.name);
    await create({ domainId, name: 'base' });
    await made.domain.create();
    await made.domain.undefine();
    const before = await existing(made.name);
    expect(before).toMatchObject({ state: 'RUNNING', persistent: false, current: 'base' });
    const overlay = join(made.directory, 'overlay.qcow2');

    const halt = await refused(made.name, BadInputCreateDocument, {
      input: { domainId, name: 'x', halt: true },
    });
    const quiesce = await refused(made.name, BadInputCreateDocument, {
      input: { domainId, name: 'x', quiesce: true },
    });
    const live = [
      await refused(made.name, BadInputCreateDocument, {
        input: { domainId, name: 'x', live: true },
      }),
      await refused(made.name, BadInputCreateDocument, {
        input: { domainId, name: 'x', live: true, memory: { mode: 'INTERNAL' } },
      }),
    ];
    const diskOnly = await refused(made.name, BadInputCreateDocument, {
      input: {
        domainId,
        name: 'x',
        diskOnly: true,
        memory: { mode: 'INTERNAL' },
        disks: [{ name: 'vda', mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: overlay }],
      },
    });
    const hostile = await refused(made.name, BadInputCreateDocument, {
      input: {
        domainId,
        xml: `<!DOCTYPE domainsnapshot [<!ENTITY leak SYSTEM "file:///etc/shadow">]><domainsnapshot><name>x</name><description>&leak;</description></domainsnapshot>`,
      },
    });

    expect(halt).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_STATE',
      libvirt: { code: ErrorNumber.OPERATION_INVALID, domain: ErrorDomain.QEMU },
    });
    expect(quiesce).toMatchObject({
      code: 'BAD_USER_INPUT',
      libvirt: { code: ErrorNumber.INVALID_ARG, domain: ErrorDomain.QEMU },
    });
    for (const refusal of live) {
      expectRefusedBeforeLibvirt(refusal, 'live');
    }
    expect(diskOnly).toMatchObject({
      code: 'BAD_USER_INPUT',
      libvirt: { code: ErrorNumber.XML_ERROR, domain: ErrorDomain.DOMAIN_SNAPSHOT },
    });
    expectRefusedBeforeLibvirt(hostile, 'DOCTYPE');
    expect(await diskSnapshotNames(made.diskPath)).toEqual(['base']);
    expect(await made.domain.isActive()).toBe(true);
  });

  it('answers NOT_FOUND for the IDs of a domain that was undefined', async () => {
    const made = await qemuDomain();
    const { domainId } = await existing(made.name);
    await create({ domainId, name: 'base' });
    const tree = await existing(made.name);
    const snapshotId = idOf(tree, 'base');
    await made.dispose();
    expect(await treeOf(made.name)).toBeNull();

    const refusals = [
      await refused(made.name, BadInputCreateDocument, { input: { domainId, name: 'new' } }),
      await refused(made.name, BadInputRedefineDocument, {
        input: { domainId, xml: xmlOf(tree, 'base') },
      }),
      await refused(made.name, BadInputRevertDocument, { input: { snapshotId } }),
      await refused(made.name, BadInputDeleteDocument, { input: { snapshotId } }),
    ];

    for (const refusal of refusals) {
      expect(refusal.code).toBe('NOT_FOUND');
    }
    expect(await server.data(BadInputNodeDocument, { id: domainId })).toEqual({ node: null });
    expect(await server.data(BadInputNodeDocument, { id: snapshotId })).toEqual({ node: null });
    expect(await isDefined(made.name)).toBe(false);
  });
});
