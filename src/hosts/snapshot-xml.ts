import { Builder, Parser, type ParserOptions } from 'xml2js';
import { readSimpleXml } from './simple-xml.ts';

/** The domain's state when a snapshot was taken, as the schema's SnapshotState names it. */
export type SnapshotStateName =
  | 'RUNNING'
  | 'PAUSED'
  | 'SHUTOFF'
  | 'DISK_SNAPSHOT'
  | 'CRASHED'
  | 'PMSUSPENDED'
  | 'SHUTDOWN'
  | 'BLOCKED'
  | 'NOSTATE';

/** The list-flag group a snapshot falls in (LIST_INACTIVE, LIST_ACTIVE, LIST_DISK_ONLY). */
export type SnapshotKindName = 'INACTIVE' | 'ACTIVE' | 'DISK_ONLY';

/** Where a snapshot keeps its data (LIST_INTERNAL, LIST_EXTERNAL). */
export type SnapshotLocationName = 'INTERNAL' | 'EXTERNAL';

/** How a snapshot saves the memory or one disk: the `snapshot` attribute of libvirt's XML. */
export type SnapshotModeName = 'NO' | 'INTERNAL' | 'EXTERNAL' | 'MANUAL';

/** A snapshot's `<memory>`: whether the domain's memory was saved, and to which file. */
export interface SnapshotMemoryDocument {
  mode: SnapshotModeName;
  /** The memory file of an external snapshot. */
  file: string | null;
}

/** One `<disk>` of a snapshot's `<disks>`. */
export interface SnapshotDiskDocument {
  /** The disk's target (`vda`) or source path, as the domain names it. */
  name: string;
  mode: SnapshotModeName;
  /** The format of the new image of an external snapshot (`qcow2`). */
  driverType: string | null;
  /** The new image of an external snapshot: a file, a block device or a network volume. */
  sourceFile: string | null;
}

/** What a snapshot's `<domainsnapshot>` document says about it, in the schema's terms. */
export interface SnapshotDocument {
  name: string;
  description: string | null;
  state: SnapshotStateName;
  /** The parent snapshot's name; null for a root. */
  parent: string | null;
  /** From `<creationTime>` (seconds since the epoch). */
  creationTime: Date;
  memory: SnapshotMemoryDocument;
  disks: SnapshotDiskDocument[];
  kind: SnapshotKindName;
  location: SnapshotLocationName;
  /**
   * Whether the document embeds the domain's definition: libvirt needs it to revert without
   * `force` (a snapshot redefined without one lacks the domain's rollback information).
   */
  hasDomainDefinition: boolean;
}

/** The fields of a new snapshot that {@link buildSnapshotXml} writes; absent ones are libvirt's. */
export interface SnapshotXmlInput {
  /** libvirt names the snapshot after the epoch time when no name is given. */
  name?: string | null;
  description?: string | null;
  memory?: { mode: SnapshotModeName; file?: string | null } | null;
  disks?: Array<{
    name: string;
    mode: SnapshotModeName;
    driverType?: string | null;
    sourceFile?: string | null;
  }> | null;
}

/** A snapshot document that cannot be read, or snapshot fields that cannot be written. */
export class SnapshotXmlError extends Error {
  override readonly name = 'SnapshotXmlError';
}

// The keys xml2js puts an element's attributes and text under.
const ATTRIBUTES = '$';
const TEXT = '_';

// With explicitArray off an element met once is a plain value, not a one-item array. (Measured:
// xml2js's options barely change its speed; cutting out the embedded domain does, see below.)
const parserOptions: ParserOptions = {
  async: false,
  strict: true,
  explicitArray: false,
  attrkey: ATTRIBUTES,
  charkey: TEXT,
};

const builder = new Builder({
  rootName: 'domainsnapshot',
  headless: true,
  attrkey: ATTRIBUTES,
  charkey: TEXT,
  renderOpts: { pretty: false },
});

// libvirt's virDomainSnapshotState strings.
const states = new Map<string, SnapshotStateName>([
  ['nostate', 'NOSTATE'],
  ['running', 'RUNNING'],
  ['blocked', 'BLOCKED'],
  ['paused', 'PAUSED'],
  ['shutdown', 'SHUTDOWN'],
  ['shutoff', 'SHUTOFF'],
  ['crashed', 'CRASHED'],
  ['disk-snapshot', 'DISK_SNAPSHOT'],
  ['pmsuspended', 'PMSUSPENDED'],
]);

// libvirt's virDomainSnapshotLocation strings.
const modes = new Map<string, SnapshotModeName>([
  ['no', 'NO'],
  ['internal', 'INTERNAL'],
  ['external', 'EXTERNAL'],
  ['manual', 'MANUAL'],
]);

const modeAttributes: Record<SnapshotModeName, string> = {
  NO: 'no',
  INTERNAL: 'internal',
  EXTERNAL: 'external',
  MANUAL: 'manual',
};

type XmlElement = Record<string, unknown>;

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every child element called `name`: xml2js gives one child as a value, several as an array. */
function children(parent: unknown, name: string): unknown[] {
  if (!isElement(parent) || !Object.hasOwn(parent, name)) {
    return [];
  }

  const value = parent[name];

  return Array.isArray(value) ? value : [value];
}

/** The first child element called `name`; libvirt reads the first one too. */
function child(parent: unknown, name: string): unknown {
  return children(parent, name)[0];
}

/**
 * A copy of `value` that shares no memory with the text it was cut from. The XML parser's
 * strings are slices of the document, and V8 keeps a slice's whole parent alive: a kept
 * snapshot's name would hold on to its kilobytes of XML (about 4 KiB a snapshot).
 */
function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** An element's text, or null for a missing or empty element (libvirt reads both as absent). */
function text(element: unknown): string | null {
  const value = isElement(element) ? element[TEXT] : element;

  return typeof value === 'string' && value !== '' ? detached(value) : null;
}

function attribute(element: unknown, name: string): string | null {
  const attributes = isElement(element) ? element[ATTRIBUTES] : undefined;
  if (!isElement(attributes) || !Object.hasOwn(attributes, name)) {
    return null;
  }

  const value = attributes[name];

  return typeof value === 'string' ? detached(value) : null;
}

/** What xml2js handed its callback. */
interface ParseOutcome {
  error: Error | null;
  document: unknown;
}

/** The error for XML xml2js cannot parse, with sax's position counted from line 1. */
function notWellFormed(error: unknown): SnapshotXmlError {
  const message = error instanceof Error ? error.message : String(error);
  // sax appends the position on lines of its own, counting lines from 0.
  const position = /^(.*)\nLine: (\d+)\nColumn: (\d+)\nChar: .*$/s.exec(message);
  const [, reason, line, column] = position ?? [];
  const where =
    position === null ? message : `${reason} (line ${Number(line) + 1}, column ${column})`;

  return new SnapshotXmlError(`the snapshot XML is not well-formed: ${where}`, { cause: error });
}

/**
 * Parses `xml` with xml2js. With `async: false` xml2js calls back before `parseString`
 * returns, so the document is read here and returned directly.
 */
function readXml(xml: string): unknown {
  let outcome: ParseOutcome | undefined;
  try {
    new Parser(parserOptions).parseString(xml, (error: Error | null, document: unknown) => {
      outcome ??= { error, document };
    });
  } catch (error) {
    throw notWellFormed(error);
  }

  if (outcome === undefined) {
    throw new SnapshotXmlError('xml2js did not parse the snapshot XML synchronously');
  }

  if (outcome.error !== null) {
    throw notWellFormed(outcome.error);
  }

  return outcome.document;
}

function rootElement(document: unknown): XmlElement {
  // xml2js reads an empty or blank string as a null document.
  if (!isElement(document)) {
    throw new SnapshotXmlError('the snapshot XML is empty: expected a <domainsnapshot> document');
  }

  const [rootName] = Object.keys(document);
  if (rootName !== 'domainsnapshot') {
    throw new SnapshotXmlError(`the snapshot XML's root is <${rootName}>, not <domainsnapshot>`);
  }

  const root = document[rootName];

  // An empty <domainsnapshot/> comes back as a string, not an element.
  return isElement(root) ? root : {};
}

function creationTime(root: XmlElement): Date {
  const value = text(child(root, 'creationTime'))?.trim() ?? null;
  if (value === null) {
    // libvirt leaves the element out when the time is 0 (a redefined snapshot may have it).
    return new Date(0);
  }

  const seconds = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  const time = new Date(seconds * 1000);
  if (!Number.isSafeInteger(seconds) || Number.isNaN(time.getTime())) {
    throw new SnapshotXmlError(
      `the snapshot XML's <creationTime> is '${value}', not a number of seconds since the epoch`,
    );
  }

  return time;
}

function snapshotState(root: XmlElement): SnapshotStateName {
  return states.get(text(child(root, 'state')) ?? '') ?? 'NOSTATE';
}

/** libvirt's virDomainSnapshotFilter: the kind follows the state alone. */
function snapshotKind(state: SnapshotStateName): SnapshotKindName {
  switch (state) {
    case 'SHUTOFF':
      return 'INACTIVE';
    case 'DISK_SNAPSHOT':
      return 'DISK_ONLY';
    default:
      return 'ACTIVE';
  }
}

/** libvirt's virDomainSnapshotIsExternal: external memory or any external disk. */
function snapshotLocation(
  memory: SnapshotMemoryDocument,
  disks: SnapshotDiskDocument[],
): SnapshotLocationName {
  const external = memory.mode === 'EXTERNAL' || disks.some((disk) => disk.mode === 'EXTERNAL');

  return external ? 'EXTERNAL' : 'INTERNAL';
}

function memoryDocument(root: XmlElement): SnapshotMemoryDocument {
  const memory = child(root, 'memory');
  const file = attribute(memory, 'file');
  const mode = modes.get(attribute(memory, 'snapshot') ?? '');

  // libvirt reads a memory file without a snapshot attribute as an external snapshot.
  return { mode: mode ?? (file === null ? 'NO' : 'EXTERNAL'), file };
}

function diskDocument(disk: unknown): SnapshotDiskDocument {
  const name = attribute(disk, 'name');
  if (name === null || name === '') {
    throw new SnapshotXmlError('a <disk> of the snapshot XML has no name attribute');
  }

  const driverType = attribute(child(disk, 'driver'), 'type');
  const source = child(disk, 'source');
  // <source file> for a file, <source dev> for a block device, <source name> for a network disk.
  const sourceFile =
    attribute(source, 'file') ?? attribute(source, 'dev') ?? attribute(source, 'name');
  const mode = modes.get(attribute(disk, 'snapshot') ?? '');

  // libvirt reads a disk with a new image or format but no snapshot attribute as external.
  const implied = sourceFile !== null || driverType !== null ? 'EXTERNAL' : 'INTERNAL';

  return { name, mode: mode ?? implied, driverType, sourceFile };
}

function snapshotDocument(xml: string): Omit<SnapshotDocument, 'hasDomainDefinition'> {
  // libvirt's own documents are plain XML, which the simple reader takes; xml2js the rest.
  const root = rootElement(readSimpleXml(xml) ?? readXml(xml));
  const name = text(child(root, 'name'));
  if (name === null) {
    throw new SnapshotXmlError('the snapshot XML has no <name>');
  }

  const state = snapshotState(root);
  const memory = memoryDocument(root);
  const disks = children(child(root, 'disks'), 'disk').map(diskDocument);

  return {
    name,
    description: text(child(root, 'description')),
    state,
    parent: text(child(child(root, 'parent'), 'name')),
    creationTime: creationTime(root),
    memory,
    disks,
    kind: snapshotKind(state),
    location: snapshotLocation(memory, disks),
  };
}

// The domain definitions a snapshot document embeds (the domain as it was, and for a running
// domain its inactive definition): most of the document's bytes and of xml2js's time, and
// nothing a SnapshotDocument reads.
const definitions = ['domain', 'inactiveDomain'].map((tag) => ({
  tag,
  // A start tag whose quoted attributes may hold '>', and that is not self-closing.
  start: new RegExp(`<${tag}(?:\\s+[^\\s=/>]+\\s*=\\s*(?:'[^']*'|"[^"]*"))*\\s*>`),
  end: `</${tag}>`,
}));

/** Where the next tag opening `<tag` is, from `from` on; -1 when there is none. */
function nextOpening(xml: string, tag: string, from: number): number {
  for (let index = xml.indexOf(`<${tag}`, from); index !== -1; ) {
    if (/[\s/>]/.test(xml.charAt(index + tag.length + 1))) {
      return index;
    }

    index = xml.indexOf(`<${tag}`, index + 1);
  }

  return -1;
}

/**
 * `xml` with its embedded domain definitions cut out, or null when they cannot be cut out
 * safely. With no comment, CDATA section, processing instruction or DOCTYPE in the way
 * (libvirt writes none, and escapes every '<' of text and attribute values), every '<' opens
 * a tag, so a definition runs from its start tag to the first end tag of its name as long as
 * no other tag of that name opens in between.
 */
function withoutDefinitions(xml: string): string | null {
  if (xml.includes('<!') || xml.includes('<?')) {
    return null;
  }

  let rest = xml;
  for (const { tag, start, end } of definitions) {
    const match = start.exec(rest);
    if (match === null) {
      continue;
    }

    const to = rest.indexOf(end, match.index);
    const other = nextOpening(rest, tag, match.index + 1);
    if (nextOpening(rest, tag, 0) !== match.index || to === -1 || (other !== -1 && other < to)) {
      return null;
    }

    rest = rest.slice(0, match.index) + rest.slice(to + end.length);
  }

  return rest;
}

/**
 * Reads a snapshot's `<domainsnapshot>` document, as virDomainSnapshotGetXMLDesc returns it.
 * The embedded `<domain>` and `<inactiveDomain>`, and every element this module does not know,
 * are skipped. To keep listings fast the domain definitions are cut out of the text before
 * xml2js parses it (they are some 70% of its work), so a fault inside one goes unnoticed. A
 * document with a comment, CDATA, a processing instruction or a DOCTYPE, or one the cut does
 * not fit, is parsed whole.
 *
 * @throws {SnapshotXmlError} when the XML is not well-formed, its root is not
 *   `<domainsnapshot>`, lacks a `<name>`, or has a `<creationTime>` that is no number
 *   (a missing one is the epoch, as libvirt leaves it out for 0).
 */
export function parseSnapshotXml(xml: string): SnapshotDocument {
  const hasDomainDefinition = nextOpening(xml, 'domain', 0) !== -1;
  const trimmed = withoutDefinitions(xml);
  if (trimmed !== null) {
    try {
      return { ...snapshotDocument(trimmed), hasDomainDefinition };
    } catch {
      // Parsed whole below, which either succeeds or reports the fault in the whole document.
    }
  }

  return { ...snapshotDocument(xml), hasDomainDefinition };
}

// libvirt's QEMU driver keeps each snapshot's metadata in a file named after the snapshot,
// written first as `NAME.xml.new`: with more than 247 bytes the name is over the 255 a file
// name may have, and libvirt fails only after QEMU has taken the snapshot on the disk.
const MAX_NAME_BYTES = 247;

// libvirtd does not load a snapshot's metadata file over 1 MiB when it starts, and that file
// holds the description beside the domain's definition (twice for a running domain): a
// description anywhere near 1 MiB would make the snapshot vanish at libvirtd's next start.
const MAX_DESCRIPTION_BYTES = 64 * 1024;

/**
 * The first C0 or C1 control character or DEL in `text`, or null. XML cannot carry most of
 * them, and a carriage return does not survive libvirt reading its own metadata back (XML
 * turns it into a line feed).
 */
function controlCharacter(text: string): number | null {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return code;
    }
  }

  return null;
}

/** `text` shortened for a message, so that a refusal of a huge value stays small. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Refuses a snapshot name libvirt cannot keep, or cannot keep as given. */
function checkName(name: string): void {
  if (name === '') {
    throw new SnapshotXmlError(
      'the snapshot name is empty: give a name, or none for libvirt to pick one',
    );
  }

  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    throw new SnapshotXmlError(
      `the snapshot name ${excerpt(name)} has ${bytes} bytes (UTF-8), over the ` +
        `${MAX_NAME_BYTES} libvirt can store: it keeps a snapshot in a file named after it`,
    );
  }

  if (name.includes('/')) {
    throw new SnapshotXmlError(
      `the snapshot name '${name}' contains '/', which libvirt refuses: it stores a snapshot in ` +
        'a file named after it',
    );
  }

  const control = controlCharacter(name);
  if (control !== null) {
    const code = control.toString(16).toUpperCase().padStart(4, '0');
    throw new SnapshotXmlError(
      `the snapshot name ${excerpt(name)} contains the control character U+${code}`,
    );
  }
}

/** Refuses a description libvirt cannot keep across its own restart. */
function checkDescription(description: string): void {
  const bytes = Buffer.byteLength(description, 'utf8');
  if (bytes > MAX_DESCRIPTION_BYTES) {
    throw new SnapshotXmlError(
      `the description has ${bytes} bytes (UTF-8), over the ${MAX_DESCRIPTION_BYTES} a ` +
        'snapshot may have: libvirtd does not load a snapshot file over 1 MiB when it starts',
    );
  }
}

function nameElement(name: string): string {
  checkName(name);

  return name;
}

function descriptionElement(description: string): string {
  if (description === '') {
    throw new SnapshotXmlError(
      'the description is empty: give a description, or none (libvirt keeps no empty one)',
    );
  }

  checkDescription(description);

  return description;
}

/** The domain a client's snapshot document is meant for. */
export interface DocumentDomain {
  uuid: string;
}

/** What {@link checkSnapshotDocument} read of a client's document. */
export interface RequestedSnapshot {
  /** How the document asks for the memory to be saved; NO when it does not say. */
  memory: SnapshotModeName;
}

// libvirt reads a UUID with or without its dashes, in either case.
function sameUuid(a: string, b: string): boolean {
  const plain = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();

  return plain(a) === plain(b);
}

/**
 * Checks a `<domainsnapshot>` document a client sent to createSnapshot (`purpose` create) or
 * redefineSnapshot, before libvirt reads it. A DOCTYPE is refused outright: libvirt's parser
 * substitutes entities, so one declared there could pull a file into the snapshot or expand
 * without bound, and libvirt never writes one. Of a document that can be read here, the name
 * and description must be ones libvirt can keep, every disk needs a name, an embedded domain
 * definition must have the domain's own UUID, and a document to redefine needs a creation
 * time and a known state (libvirt would refuse those as an internal error or an unsupported
 * configuration). A document that cannot be read here is left to libvirt, whose error says
 * where the fault is.
 *
 * @returns what the document asks for, or null when it cannot be read here.
 * @throws {SnapshotXmlError} for any of the faults above.
 */
export function checkSnapshotDocument(
  xml: string,
  purpose: 'create' | 'redefine',
  domain: DocumentDomain,
): RequestedSnapshot | null {
  if (/<!DOCTYPE/i.test(xml)) {
    throw new SnapshotXmlError(
      'the snapshot XML has a DOCTYPE, which is refused: libvirt writes none, and the ' +
        'entities one declares could read files into the snapshot or expand without bound',
    );
  }

  let root: XmlElement;
  try {
    root = rootElement(readXml(xml));
  } catch {
    return null;
  }

  // An empty <name/> is refused as an empty name is: libvirt would pick a name of its own.
  const name = child(root, 'name');
  if (name !== undefined) {
    checkName(text(name) ?? '');
  }

  const description = text(child(root, 'description'));
  if (description !== null) {
    checkDescription(description);
  }

  for (const disk of children(child(root, 'disks'), 'disk')) {
    diskDocument(disk);
  }

  for (const tag of ['domain', 'inactiveDomain']) {
    const uuid = text(child(child(root, tag), 'uuid'))?.trim() ?? null;
    if (uuid !== null && !sameUuid(uuid, domain.uuid)) {
      throw new SnapshotXmlError(
        `the snapshot XML's <${tag}> is the domain with UUID ${uuid}, not this domain ` +
          `(${domain.uuid}): a snapshot document belongs to its own domain`,
      );
    }
  }

  if (purpose === 'redefine') {
    if (text(child(root, 'creationTime')) === null) {
      throw new SnapshotXmlError(
        'the snapshot XML has no <creationTime>: a snapshot to redefine needs the whole ' +
          'document, as Snapshot.xml returns it',
      );
    }

    creationTime(root);
    const state = text(child(root, 'state'));
    if (state !== null && !states.has(state)) {
      throw new SnapshotXmlError(
        `the snapshot XML's <state> is ${excerpt(state)}, not one of libvirt's: ` +
          [...states.keys()].join(', '),
      );
    }
  }

  return { memory: memoryDocument(root).mode };
}

function modeAttribute(mode: SnapshotModeName, what: string): string {
  const value = Object.hasOwn(modeAttributes, mode) ? modeAttributes[mode] : undefined;
  if (value === undefined) {
    throw new SnapshotXmlError(`${what} is '${mode}', not one of NO, INTERNAL, EXTERNAL, MANUAL`);
  }

  return value;
}

function memoryElement(memory: NonNullable<SnapshotXmlInput['memory']>): XmlElement {
  const snapshot = modeAttribute(memory.mode, 'memory.mode');
  const file = memory.file ?? null;
  if (file === null) {
    return { [ATTRIBUTES]: { snapshot } };
  }

  if (memory.mode !== 'EXTERNAL') {
    throw new SnapshotXmlError(
      `memory.file is only for an EXTERNAL memory snapshot, and memory.mode is ${memory.mode}`,
    );
  }

  return { [ATTRIBUTES]: { snapshot, file } };
}

function disksElement(disks: NonNullable<SnapshotXmlInput['disks']>): XmlElement {
  const names = new Set<string>();
  const elements = disks.map((disk, index) => {
    if (typeof disk.name !== 'string' || disk.name === '') {
      throw new SnapshotXmlError(
        `disks[${index}] has no name: name the disk by its target (vda) or source path`,
      );
    }

    if (names.has(disk.name)) {
      throw new SnapshotXmlError(`the disk '${disk.name}' is given twice in disks`);
    }

    const sourceFile = disk.sourceFile ?? null;
    if (sourceFile !== null && disk.mode !== 'EXTERNAL') {
      throw new SnapshotXmlError(
        `the disk '${disk.name}' has a sourceFile, which is only for an EXTERNAL disk snapshot, ` +
          `and its mode is ${disk.mode}`,
      );
    }

    names.add(disk.name);
    const element: XmlElement = {
      [ATTRIBUTES]: { name: disk.name, snapshot: modeAttribute(disk.mode, `${disk.name}'s mode`) },
    };
    const driverType = disk.driverType ?? null;
    if (driverType !== null) {
      element.driver = { [ATTRIBUTES]: { type: driverType } };
    }

    if (sourceFile !== null) {
      element.source = { [ATTRIBUTES]: { file: sourceFile } };
    }

    return element;
  });

  return { disk: elements };
}

/**
 * Writes the `<domainsnapshot>` document that asks virDomainSnapshotCreateXML for a snapshot
 * with these fields. Absent fields are left out for libvirt to choose; with none at all the
 * document is an empty `<domainsnapshot/>`. Every value is escaped by the XML builder.
 *
 * @throws {SnapshotXmlError} for an empty name, one containing '/' or a control character,
 *   or one over 247 bytes; an empty description or one over 64 KiB; a memory file or disk
 *   source file without the EXTERNAL mode, a disk without a name, or a disk given twice.
 */
export function buildSnapshotXml(input: SnapshotXmlInput): string {
  const snapshot: XmlElement = {};
  const name = input.name ?? null;
  if (name !== null) {
    snapshot.name = nameElement(name);
  }

  const description = input.description ?? null;
  if (description !== null) {
    snapshot.description = descriptionElement(description);
  }

  const memory = input.memory ?? null;
  if (memory !== null) {
    snapshot.memory = memoryElement(memory);
  }

  const disks = input.disks ?? [];
  if (disks.length > 0) {
    snapshot.disks = disksElement(disks);
  }

  try {
    return builder.buildObject(snapshot);
  } catch (error) {
    // xmlbuilder refuses characters XML cannot carry, such as U+0000.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SnapshotXmlError(`the snapshot cannot be written as XML: ${reason}`, {
      cause: error,
    });
  }
}
