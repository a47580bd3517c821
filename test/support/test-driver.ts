import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A snapshot written into a test-driver fixture. */
export interface FixtureSnapshot {
  name: string;
  parent?: string;
  /** The domain's state when taken, as libvirt writes it: running, shutoff, ... */
  state?: string;
  /** Seconds since the epoch. */
  creationTime?: number;
  description?: string;
  current?: boolean;
  /** `<memory snapshot='…' file='…'/>`; the test driver writes its own default when absent. */
  memory?: { snapshot: string; file?: string };
  /** `<disks>`: each disk's name, `snapshot` attribute, driver type and source file. */
  disks?: Array<{ name: string; snapshot?: string; driverType?: string; sourceFile?: string }>;
}

/** A domain written into a test-driver fixture; the test driver starts it running. */
export interface FixtureDomain {
  name: string;
  uuid?: string;
  snapshots?: FixtureSnapshot[];
  /** The state the test driver puts the domain in (`<test:runstate>`); running when absent. */
  state?: keyof typeof runStates;
  /** A transient domain (`<test:transient/>`): running, and gone once it stops. */
  transient?: boolean;
}

// libvirt's virDomainState values, as `<test:runstate>` takes them.
const runStates = {
  nostate: 0,
  running: 1,
  blocked: 2,
  paused: 3,
  shutdown: 4,
  shutoff: 5,
  crashed: 6,
  pmsuspended: 7,
} as const;

/** A private `test:///PATH.xml` driver: its URI and the disposer that removes its file. */
export interface TestDriverFixture {
  uri: string;
  dispose: () => void;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, '&quot;');
}

function attributes(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value as string)}"`)
    .join('');
}

function memoryElement(memory: FixtureSnapshot['memory']): string {
  return memory === undefined ? '' : `<memory${attributes(memory)}/>`;
}

function disksElement(disks: FixtureSnapshot['disks']): string {
  if (disks === undefined) {
    return '';
  }

  const elements = disks.map((disk) => {
    const driver =
      disk.driverType === undefined ? '' : `<driver${attributes({ type: disk.driverType })}/>`;
    const source =
      disk.sourceFile === undefined ? '' : `<source${attributes({ file: disk.sourceFile })}/>`;

    return `<disk${attributes({ name: disk.name, snapshot: disk.snapshot })}>${driver}${source}</disk>`;
  });

  return `<disks>${elements.join('')}</disks>`;
}

function domainBody(domain: FixtureDomain, uuid: string): string {
  return [
    `<name>${escapeXml(domain.name)}</name>`,
    `<uuid>${uuid}</uuid>`,
    '<memory>65536</memory>',
    '<os><type>hvm</type></os>',
  ].join('');
}

function snapshotElement(domain: FixtureDomain, uuid: string, snapshot: FixtureSnapshot): string {
  const parts = [
    `<name>${escapeXml(snapshot.name)}</name>`,
    snapshot.description === undefined
      ? ''
      : `<description>${escapeXml(snapshot.description)}</description>`,
    `<state>${snapshot.state ?? 'running'}</state>`,
    snapshot.parent === undefined
      ? ''
      : `<parent><name>${escapeXml(snapshot.parent)}</name></parent>`,
    `<creationTime>${snapshot.creationTime ?? 1_700_000_000}</creationTime>`,
    memoryElement(snapshot.memory),
    disksElement(snapshot.disks),
    // The full domain keeps libvirt from logging a warning about an older snapshot format.
    `<domain type='test'>${domainBody(domain, uuid)}</domain>`,
    `<active>${snapshot.current ? 1 : 0}</active>`,
  ];

  return `<test:domainsnapshot>${parts.join('')}</test:domainsnapshot>`;
}

function domainElement(domain: FixtureDomain): string {
  const uuid = domain.uuid ?? randomUUID();
  const snapshots = (domain.snapshots ?? []).map((snapshot) =>
    snapshotElement(domain, uuid, snapshot),
  );

  return [
    `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>`,
    domainBody(domain, uuid),
    domain.state === undefined ? '' : `<test:runstate>${runStates[domain.state]}</test:runstate>`,
    domain.transient ? '<test:transient/>' : '',
    ...snapshots,
    '</domain>',
  ].join('');
}

/**
 * Writes a private test-driver fixture with `domains` and their snapshots. The test driver
 * reads the file once per connection and keeps its state in memory, so every connection to
 * the URI starts from this file.
 */
export function testDriverFixture(domains: FixtureDomain[]): TestDriverFixture {
  const directory = mkdtempSync(join(tmpdir(), 'vsg-fixture-'));
  const file = join(directory, 'node.xml');
  writeFileSync(file, `<node>${domains.map(domainElement).join('')}</node>\n`);

  return {
    uri: `test://${file}`,
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** A chain of snapshots `names[0] <- names[1] <- ...`, the last one current. */
export function chain(names: string[], start = 1_700_000_000): FixtureSnapshot[] {
  return names.map((name, index) => ({
    name,
    parent: index === 0 ? undefined : names[index - 1],
    creationTime: start + index,
    current: index === names.length - 1,
  }));
}
