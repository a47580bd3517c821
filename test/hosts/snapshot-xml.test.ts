import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSnapshotXml,
  parseSnapshotXml,
  type SnapshotDocument,
  SnapshotXmlError,
  type SnapshotXmlInput,
} from '../../src/hosts/snapshot-xml.ts';

// Runs virsh commands against libvirt's built-in test driver. Each virsh run starts a fresh
// driver, so everything one test needs happens in one run.
function virsh(commands: readonly string[]): string {
  return execFileSync('virsh', ['--connect', 'test:///default', commands.join('; ')], {
    encoding: 'utf8',
  });
}

// The output of a virsh run whose commands were preceded by `echo "=== LABEL"`, by label.
function sections(output: string): Map<string, string> {
  // [before the first label, label, its output, label, its output, ...]
  const parts = output.split(/^=== (.*)$/m);
  const byLabel = new Map<string, string>();
  for (let index = 1; index < parts.length; index += 2) {
    byLabel.set(parts[index] ?? '', parts[index + 1] ?? '');
  }

  return byLabel;
}

function documentIn(output: string): string {
  const match = /<domainsnapshot>[\s\S]*<\/domainsnapshot>/.exec(output);
  if (match === null) {
    throw new Error(`no <domainsnapshot> in virsh's output: ${output}`);
  }

  return match[0];
}

function namesIn(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

// The domain the test driver embeds in its snapshots, captured from libvirt 9.0.0.
const TEST_DOMAIN = `  <domain type='test'>
    <name>test</name>
    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
    <memory unit='KiB'>8388608</memory>
    <currentMemory unit='KiB'>2097152</currentMemory>
    <vcpu placement='static'>2</vcpu>
    <os>
      <type arch='i686'>hvm</type>
      <boot dev='hd'/>
    </os>
    <clock offset='utc'/>
    <on_poweroff>destroy</on_poweroff>
    <on_reboot>restart</on_reboot>
    <on_crash>destroy</on_crash>
    <devices>
      <disk type='file' device='disk'>
        <source file='/guest/diskimage1'/>
        <target dev='vda' bus='virtio'/>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
      </disk>
      <interface type='network'>
        <mac address='aa:bb:cc:dd:ee:ff'/>
        <source network='default'/>
        <target dev='testnet0'/>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
      </interface>
      <memballoon model='virtio'>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
      </memballoon>
    </devices>
  </domain>
`;

// `snapshot-create-as test s1 --description "a <&> b"; snapshot-dumpxml test s1`.
const RUNNING_SNAPSHOT = `<domainsnapshot>
  <name>s1</name>
  <description>a &lt;&amp;&gt; b</description>
  <state>running</state>
  <creationTime>1796322640</creationTime>
  <memory snapshot='internal'/>
  <disks>
    <disk name='vda' snapshot='internal'/>
  </disks>
${TEST_DOMAIN}</domainsnapshot>
`;

// After `destroy test`, a child of p1.
const SHUTOFF_SNAPSHOT = `<domainsnapshot>
  <name>off1</name>
  <state>shutoff</state>
  <parent>
    <name>p1</name>
  </parent>
  <creationTime>1796322646</creationTime>
  <memory snapshot='no'/>
  <disks>
    <disk name='vda' snapshot='internal'/>
  </disks>
${TEST_DOMAIN}</domainsnapshot>
`;

// `snapshot-create-as test e1 --memspec file=…,snapshot=external
//   --diskspec vda,snapshot=external,file=…,driver=qcow2`.
const EXTERNAL_SNAPSHOT = `<domainsnapshot>
  <name>e1</name>
  <state>running</state>
  <parent>
    <name>off1</name>
  </parent>
  <creationTime>1796323068</creationTime>
  <memory snapshot='external' file='/var/lib/libvirt/qemu/snapshot/test/e1.mem'/>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <driver type='qcow2'/>
      <source file='/guest/diskimage1.e1'/>
    </disk>
  </disks>
${TEST_DOMAIN}</domainsnapshot>
`;

// Written after https://libvirt.org/formatsnapshot.html: the test driver takes no disk-only
// snapshots, and its domain has one file disk.
const DISK_ONLY_SNAPSHOT = `<domainsnapshot>
  <name>before-upgrade</name>
  <description>disks only</description>
  <state>disk-snapshot</state>
  <parent>
    <name>installed</name>
  </parent>
  <creationTime>1700000000</creationTime>
  <memory snapshot='no'/>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <driver type='qcow2'/>
      <source file='/var/lib/libvirt/images/vda.before-upgrade'/>
    </disk>
    <disk name='vdb' snapshot='external' type='block'>
      <driver type='qcow2'/>
      <source dev='/dev/vg0/vdb-before-upgrade'/>
    </disk>
    <disk name='vdc' snapshot='external' type='network'>
      <driver type='qcow2'/>
      <source protocol='rbd' name='pool/vdc-before-upgrade'>
        <host name='ceph.example.org' port='6789'/>
      </source>
    </disk>
    <disk name='vdd' snapshot='no'/>
    <disk name='/var/lib/libvirt/images/scratch.img' snapshot='manual'/>
  </disks>
  <domain type='kvm'>
    <name>guest</name>
    <uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1809</uuid>
  </domain>
</domainsnapshot>
`;

function snapshotWith(body: string): string {
  return `<domainsnapshot><name>s</name><creationTime>1700000000</creationTime>${body}</domainsnapshot>`;
}

function parseError(xml: string): SnapshotXmlError {
  try {
    parseSnapshotXml(xml);
  } catch (error) {
    if (error instanceof SnapshotXmlError) {
      return error;
    }

    throw error;
  }

  throw new Error('parseSnapshotXml accepted the document');
}

describe('parseSnapshotXml', () => {
  it('tells whether the document embeds the domain, which a revert without force needs', () => {
    expect(parseSnapshotXml(SHUTOFF_SNAPSHOT).hasDomainDefinition).toBe(true);
    expect(parseSnapshotXml(snapshotWith('')).hasDomainDefinition).toBe(false);
    expect(
      parseSnapshotXml(snapshotWith('<description>&lt;domain type="kvm"&gt;</description>'))
        .hasDomainDefinition,
    ).toBe(false);
  });

  it('reads a snapshot of a running domain as the test driver writes it', () => {
    expect(parseSnapshotXml(RUNNING_SNAPSHOT)).toEqual({
      name: 's1',
      description: 'a <&> b',
      state: 'RUNNING',
      parent: null,
      creationTime: new Date('2026-12-03T18:30:40Z'),
      memory: { mode: 'INTERNAL', file: null },
      disks: [{ name: 'vda', mode: 'INTERNAL', driverType: null, sourceFile: null }],
      kind: 'ACTIVE',
      location: 'INTERNAL',
      hasDomainDefinition: true,
    } satisfies SnapshotDocument);
  });

  it('reads a snapshot of a shut-off domain, with its parent', () => {
    expect(parseSnapshotXml(SHUTOFF_SNAPSHOT)).toMatchObject({
      name: 'off1',
      description: null,
      state: 'SHUTOFF',
      parent: 'p1',
      memory: { mode: 'NO', file: null },
      kind: 'INACTIVE',
      location: 'INTERNAL',
    });
  });

  it('reads an external snapshot with its memory file and new disk image', () => {
    expect(parseSnapshotXml(EXTERNAL_SNAPSHOT)).toMatchObject({
      name: 'e1',
      parent: 'off1',
      memory: { mode: 'EXTERNAL', file: '/var/lib/libvirt/qemu/snapshot/test/e1.mem' },
      disks: [
        { name: 'vda', mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: '/guest/diskimage1.e1' },
      ],
      kind: 'ACTIVE',
      location: 'EXTERNAL',
    });
  });

  it('reads a disk-only snapshot of file, block, network, skipped and manual disks', () => {
    expect(parseSnapshotXml(DISK_ONLY_SNAPSHOT)).toEqual({
      name: 'before-upgrade',
      description: 'disks only',
      state: 'DISK_SNAPSHOT',
      parent: 'installed',
      creationTime: new Date(1_700_000_000_000),
      memory: { mode: 'NO', file: null },
      disks: [
        {
          name: 'vda',
          mode: 'EXTERNAL',
          driverType: 'qcow2',
          sourceFile: '/var/lib/libvirt/images/vda.before-upgrade',
        },
        {
          name: 'vdb',
          mode: 'EXTERNAL',
          driverType: 'qcow2',
          sourceFile: '/dev/vg0/vdb-before-upgrade',
        },
        {
          name: 'vdc',
          mode: 'EXTERNAL',
          driverType: 'qcow2',
          sourceFile: 'pool/vdc-before-upgrade',
        },
        { name: 'vdd', mode: 'NO', driverType: null, sourceFile: null },
        {
          name: '/var/lib/libvirt/images/scratch.img',
          mode: 'MANUAL',
          driverType: null,
          sourceFile: null,
        },
      ],
      kind: 'DISK_ONLY',
      location: 'EXTERNAL',
      hasDomainDefinition: true,
    } satisfies SnapshotDocument);
  });

  it.each([
    ['running', 'RUNNING', 'ACTIVE'],
    ['blocked', 'BLOCKED', 'ACTIVE'],
    ['paused', 'PAUSED', 'ACTIVE'],
    ['shutdown', 'SHUTDOWN', 'ACTIVE'],
    ['shutoff', 'SHUTOFF', 'INACTIVE'],
    ['crashed', 'CRASHED', 'ACTIVE'],
    ['pmsuspended', 'PMSUSPENDED', 'ACTIVE'],
    ['disk-snapshot', 'DISK_SNAPSHOT', 'DISK_ONLY'],
    ['nostate', 'NOSTATE', 'ACTIVE'],
  ])('reads the state %s as %s, of kind %s', (written, state, kind) => {
    expect(parseSnapshotXml(snapshotWith(`<state>${written}</state>`))).toMatchObject({
      state,
      kind,
    });
  });

  it.each([
    ['a missing state', ''],
    ['an empty state', '<state/>'],
    ['an unknown state', '<state>hibernating</state>'],
    ['a state in the wrong case', '<state>RUNNING</state>'],
  ])('reads %s as NOSTATE, of kind ACTIVE', (_, body) => {
    expect(parseSnapshotXml(snapshotWith(body))).toMatchObject({
      state: 'NOSTATE',
      kind: 'ACTIVE',
    });
  });

  it.each([
    ['no memory and no disks', '', 'INTERNAL'],
    [
      'internal memory and disks',
      `<memory snapshot='internal'/><disks><disk name='vda' snapshot='internal'/></disks>`,
      'INTERNAL',
    ],
    [
      'disks that are skipped or manual',
      `<disks><disk name='vda' snapshot='no'/><disk name='vdb' snapshot='manual'/></disks>`,
      'INTERNAL',
    ],
    ['external memory alone', `<memory snapshot='external' file='/m'/>`, 'EXTERNAL'],
    [
      'one external disk among internal ones',
      `<memory snapshot='internal'/><disks><disk name='vda' snapshot='internal'/>` +
        `<disk name='vdb' snapshot='external'/></disks>`,
      'EXTERNAL',
    ],
  ])('places a snapshot with %s in %s', (_, body, location) => {
    expect(parseSnapshotXml(snapshotWith(body)).location).toBe(location);
  });

  it('reads a missing memory element as NO, without a file', () => {
    expect(parseSnapshotXml(snapshotWith('')).memory).toEqual({ mode: 'NO', file: null });
  });

  it('reads a memory element without a snapshot attribute as NO', () => {
    expect(parseSnapshotXml(snapshotWith('<memory/>')).memory).toEqual({ mode: 'NO', file: null });
  });

  it('reads a memory file without a snapshot attribute as EXTERNAL, as libvirt does', () => {
    expect(parseSnapshotXml(snapshotWith(`<memory file='/m'/>`))).toMatchObject({
      memory: { mode: 'EXTERNAL', file: '/m' },
      location: 'EXTERNAL',
    });
  });

  it('reads a disk without a snapshot attribute as INTERNAL', () => {
    expect(parseSnapshotXml(snapshotWith(`<disks><disk name='vda'/></disks>`)).disks).toEqual([
      { name: 'vda', mode: 'INTERNAL', driverType: null, sourceFile: null },
    ]);
  });

  it('reads a disk with a new image but no snapshot attribute as EXTERNAL, as libvirt does', () => {
    const xml = snapshotWith(
      `<disks><disk name='vda'><source file='/n'/></disk>` +
        `<disk name='vdb'><driver type='qcow2'/></disk></disks>`,
    );

    expect(parseSnapshotXml(xml).disks).toEqual([
      { name: 'vda', mode: 'EXTERNAL', driverType: null, sourceFile: '/n' },
      { name: 'vdb', mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: null },
    ]);
  });

  it('reads no disks from a missing or empty disks element', () => {
    expect(parseSnapshotXml(snapshotWith('')).disks).toEqual([]);
    expect(parseSnapshotXml(snapshotWith('<disks/>')).disks).toEqual([]);
    expect(parseSnapshotXml(snapshotWith('<disks>\n  </disks>')).disks).toEqual([]);
  });

  it('reads a missing or empty description and parent as null', () => {
    expect(parseSnapshotXml(snapshotWith(''))).toMatchObject({ description: null, parent: null });
    expect(parseSnapshotXml(snapshotWith('<description/><parent/>'))).toMatchObject({
      description: null,
      parent: null,
    });
    expect(parseSnapshotXml(snapshotWith('<parent>\n  </parent>')).parent).toBeNull();
  });

  it('keeps a description as written, with its white space and entities', () => {
    const xml = snapshotWith(
      '<description>  two\nlines &lt;&amp;&gt; &quot;q&quot; &apos;s&apos; &#x263A; </description>',
    );

    expect(parseSnapshotXml(xml).description).toBe(`  two\nlines <&> "q" 's' \u263a `);
  });

  it('reads a creation time as seconds since the epoch', () => {
    const xml = '<domainsnapshot><name>s</name><creationTime>0</creationTime></domainsnapshot>';

    expect(parseSnapshotXml(xml).creationTime).toEqual(new Date(0));
  });

  it('ignores the name, description, state and memory of the embedded domain', () => {
    const xml = `<domainsnapshot>
      <domain type='kvm'>
        <name>guest</name>
        <description>the guest</description>
        <state>paused</state>
        <memory unit='KiB'>1048576</memory>
        <devices><disk type='file'><source file='/guest.img'/></disk></devices>
      </domain>
      <name>s</name>
      <creationTime>1</creationTime>
    </domainsnapshot>`;

    expect(parseSnapshotXml(xml)).toMatchObject({
      name: 's',
      description: null,
      state: 'NOSTATE',
      memory: { mode: 'NO', file: null },
      disks: [],
    });
  });

  it('ignores elements and attributes it does not know', () => {
    const xml = snapshotWith(
      `<state reason='user'>paused</state>
      <active>1</active>
      <cookie><cpu mode='custom'><model>qemu64</model></cpu></cookie>
      <inactiveDomain type='kvm'><name>guest</name><memory unit='KiB'>1</memory></inactiveDomain>
      <future version='2'><name>not the snapshot's</name></future>
      <memory snapshot='internal' compression='zstd'/>
      <disks><disk name='vda' snapshot='internal' bus='virtio'><future/></disk><note/></disks>`,
    );

    expect(parseSnapshotXml(xml)).toMatchObject({
      name: 's',
      state: 'PAUSED',
      memory: { mode: 'INTERNAL', file: null },
      disks: [{ name: 'vda', mode: 'INTERNAL', driverType: null, sourceFile: null }],
    });
  });

  it('reads the same document whether or not the domain can be cut out before parsing', () => {
    // A comment keeps the parser from cutting out the embedded domain: it parses the whole text.
    const whole = EXTERNAL_SNAPSHOT.replace('<disks>', '<!-- the disks --><disks>');

    expect(parseSnapshotXml(whole)).toEqual(parseSnapshotXml(EXTERNAL_SNAPSHOT));
  });

  it.each([
    ['a self-closing domain', `<domain/><memory file='/m'/><domain></domain>`, false],
    [
      'a domain with a > in an attribute',
      `<domain type='a>b'><x/></domain><memory file='/m'/>`,
      false,
    ],
    ['a domain within a domain', `<domain><domain/><memory/></domain><memory file='/m'/>`, false],
    ['CDATA', `<domain><![CDATA[</domain>]]></domain><memory file='/m'/>`, false],
    ['an XML declaration', `<domain><name>guest</name></domain><memory file='/m'/>`, true],
  ])('reads a document with %s', (_, body, declared) => {
    const xml = `${declared ? '<?xml version="1.0"?>\n' : ''}${snapshotWith(body)}`;

    expect(parseSnapshotXml(xml)).toMatchObject({
      name: 's',
      memory: { mode: 'EXTERNAL', file: '/m' },
    });
  });

  it.each([
    ['an empty string', ''],
    ['blank text', ' \n '],
    ['text', 'no snapshot here'],
    ['an unclosed root', '<domainsnapshot><name>s</name>'],
    ['a mismatched end tag', '<domainsnapshot><name>s</nam></domainsnapshot>'],
    ['an unquoted attribute', '<domainsnapshot><memory snapshot=no/></domainsnapshot>'],
    ['a document cut short in its domain', RUNNING_SNAPSHOT.slice(0, 800)],
  ])('refuses %s', (_, xml) => {
    expect(() => parseSnapshotXml(xml)).toThrow(SnapshotXmlError);
  });

  it('says where XML is not well-formed, and keeps the parser error as the cause', () => {
    const error = parseError('<domainsnapshot>\n<name>s</nam>\n</domainsnapshot>');

    expect(error.message).toMatch(/not well-formed: Unexpected close tag \(line 2, column \d+\)/);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.name).toBe('SnapshotXmlError');
  });

  it('refuses a document whose root is not domainsnapshot', () => {
    const xml = `<domaincheckpoint><name>s</name><creationTime>1</creationTime></domaincheckpoint>`;

    expect(parseError(xml).message).toBe(
      "the snapshot XML's root is <domaincheckpoint>, not <domainsnapshot>",
    );
  });

  it.each([
    ['no name', '<domainsnapshot><creationTime>1</creationTime></domainsnapshot>'],
    ['an empty name', '<domainsnapshot><name/><creationTime>1</creationTime></domainsnapshot>'],
    ['only the domain’s name', `<domainsnapshot><domain><name>g</name></domain></domainsnapshot>`],
  ])('refuses a document with %s', (_, xml) => {
    expect(parseError(xml).message).toBe('the snapshot XML has no <name>');
  });

  it('reads a document without a creation time as taken at the epoch, as libvirt means it', () => {
    const document = parseSnapshotXml('<domainsnapshot><name>s</name></domainsnapshot>');

    expect(document.creationTime).toEqual(new Date(0));
  });

  it.each(['soon', '1.5', '1e9', '0x10', '99999999999999999999'])(
    'refuses the creation time %s',
    (value) => {
      const xml = `<domainsnapshot><name>s</name><creationTime>${value}</creationTime></domainsnapshot>`;

      expect(parseError(xml).message).toBe(
        `the snapshot XML's <creationTime> is '${value}', not a number of seconds since the epoch`,
      );
    },
  );

  it('refuses a disk without a name', () => {
    expect(parseError(snapshotWith(`<disks><disk snapshot='internal'/></disks>`)).message).toBe(
      'a <disk> of the snapshot XML has no name attribute',
    );
  });

  describe('on what the test driver returns', () => {
    const description = 'kept <&> as given';
    const taken = [
      { name: 'running', before: [], after: [], options: '' },
      { name: 'paused', before: ['suspend test'], after: ['resume test'], options: '' },
      { name: 'shutoff', before: ['destroy test'], after: ['start test'], options: '' },
      {
        name: 'external',
        before: [],
        after: [],
        options:
          '--memspec file=/nonexistent/external.mem,snapshot=external ' +
          '--diskspec vda,snapshot=external,file=/nonexistent/vda.external,driver=qcow2',
      },
    ];
    let output = new Map<string, string>();

    beforeAll(() => {
      const creates = taken.flatMap((step) => [
        ...step.before,
        `snapshot-create-as test ${step.name} --description "${description}" ${step.options}`,
        ...step.after,
      ]);
      const dumps = taken.flatMap((step) => [
        `echo "=== ${step.name}"`,
        `snapshot-dumpxml test ${step.name}`,
        `echo "=== ${step.name} --security-info"`,
        `snapshot-dumpxml test ${step.name} --security-info`,
      ]);
      const filters = ['active', 'inactive', 'disk-only', 'internal', 'external'].flatMap(
        (filter) => [`echo "=== --${filter}"`, `snapshot-list test --${filter} --name`],
      );

      output = sections(
        virsh([...creates, ...dumps, 'echo "=== current"', 'snapshot-current test', ...filters]),
      );
    });

    function documents(): Map<string, SnapshotDocument> {
      const labels = taken.flatMap((step) => [step.name, `${step.name} --security-info`]);

      return new Map(
        [...labels, 'current'].map((label) => [
          label,
          parseSnapshotXml(documentIn(output.get(label) ?? '')),
        ]),
      );
    }

    it('reads every document it returns for snapshots described with <&>', () => {
      const parsed = documents();

      expect(parsed.size).toBe(9);
      for (const [label, document] of parsed) {
        expect(document.description, label).toBe(description);
        expect(document.creationTime.getTime(), label).not.toBeNaN();
      }

      for (const step of taken) {
        expect(parsed.get(`${step.name} --security-info`)).toEqual(parsed.get(step.name));
      }

      expect(parsed.get('current')).toEqual(parsed.get('external'));
      expect(parsed.get('running')).toMatchObject({
        name: 'running',
        state: 'RUNNING',
        parent: null,
        memory: { mode: 'INTERNAL', file: null },
        disks: [{ name: 'vda', mode: 'INTERNAL', driverType: null, sourceFile: null }],
      });
      expect(parsed.get('paused')).toMatchObject({ state: 'PAUSED', parent: 'running' });
      expect(parsed.get('shutoff')).toMatchObject({
        state: 'SHUTOFF',
        parent: 'paused',
        memory: { mode: 'NO', file: null },
      });
      expect(parsed.get('external')).toMatchObject({
        state: 'RUNNING',
        parent: 'shutoff',
        memory: { mode: 'EXTERNAL', file: '/nonexistent/external.mem' },
        disks: [
          {
            name: 'vda',
            mode: 'EXTERNAL',
            driverType: 'qcow2',
            sourceFile: '/nonexistent/vda.external',
          },
        ],
      });
    });

    it('agrees with the kind and location filters of libvirt’s own listing', () => {
      const parsed = documents();
      const named = (filter: (document: SnapshotDocument) => boolean): string[] =>
        taken
          .map((step) => step.name)
          .filter((name) => {
            const document = parsed.get(name);

            return document !== undefined && filter(document);
          })
          .sort();
      const listed = (filter: string): string[] => namesIn(output.get(filter) ?? '').sort();

      expect(listed('--active')).toEqual(named((document) => document.kind === 'ACTIVE'));
      expect(listed('--inactive')).toEqual(named((document) => document.kind === 'INACTIVE'));
      expect(listed('--disk-only')).toEqual(named((document) => document.kind === 'DISK_ONLY'));
      expect(listed('--internal')).toEqual(named((document) => document.location === 'INTERNAL'));
      expect(listed('--external')).toEqual(named((document) => document.location === 'EXTERNAL'));
      expect(listed('--external')).toEqual(['external']);
    });
  });
});

describe('buildSnapshotXml', () => {
  // libvirt adds the creation time when it takes the snapshot; reading a document back here
  // needs one.
  function readBack(xml: string): SnapshotDocument {
    return parseSnapshotXml(
      xml.replace(/<\/domainsnapshot>$/, '<creationTime>1</creationTime></domainsnapshot>'),
    );
  }

  it('writes an empty document when nothing is given, for libvirt to pick the name', () => {
    expect(buildSnapshotXml({})).toBe('<domainsnapshot/>');
    expect(buildSnapshotXml({ name: null, description: null, memory: null, disks: null })).toBe(
      '<domainsnapshot/>',
    );
    expect(buildSnapshotXml({ disks: [] })).toBe('<domainsnapshot/>');
  });

  it('writes every field given', () => {
    const xml = buildSnapshotXml({
      name: 'n',
      description: 'd',
      memory: { mode: 'EXTERNAL', file: '/x' },
      disks: [{ name: 'vda', mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: '/y' }],
    });

    expect(xml).toBe(
      '<domainsnapshot><name>n</name><description>d</description>' +
        '<memory snapshot="external" file="/x"/>' +
        '<disks><disk name="vda" snapshot="external"><driver type="qcow2"/><source file="/y"/>' +
        '</disk></disks></domainsnapshot>',
    );
  });

  it('leaves out the parts not given', () => {
    expect(buildSnapshotXml({ name: 'n' })).toBe('<domainsnapshot><name>n</name></domainsnapshot>');
    expect(buildSnapshotXml({ description: 'd', memory: { mode: 'NO' } })).toBe(
      '<domainsnapshot><description>d</description><memory snapshot="no"/></domainsnapshot>',
    );
    expect(buildSnapshotXml({ disks: [{ name: 'vda', mode: 'EXTERNAL', driverType: null }] })).toBe(
      '<domainsnapshot><disks><disk name="vda" snapshot="external"/></disks></domainsnapshot>',
    );
  });

  it.each([
    ['NO', 'no'],
    ['INTERNAL', 'internal'],
    ['EXTERNAL', 'external'],
    ['MANUAL', 'manual'],
  ] as const)('writes the mode %s as %s', (mode, written) => {
    const xml = buildSnapshotXml({ name: 's', memory: { mode }, disks: [{ name: 'vda', mode }] });

    expect(xml).toContain(`<memory snapshot="${written}"/>`);
    expect(xml).toContain(`<disk name="vda" snapshot="${written}"/>`);
    expect(readBack(xml)).toMatchObject({ memory: { mode }, disks: [{ mode }] });
  });

  it('escapes names, descriptions and paths, which read back unchanged', () => {
    const markup = `a</name><x>&'"`;
    const input = {
      name: `<x>&'" ]]> \u263a`,
      description: `${markup}\n\t\r end`,
      memory: { mode: 'EXTERNAL', file: `/m/${markup}` },
      disks: [{ name: markup, mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: `/d/${markup}` }],
    } satisfies SnapshotXmlInput;

    expect(readBack(buildSnapshotXml(input))).toMatchObject(input);
  });

  it('writes a document libvirt takes, and reads back what libvirt made of it', () => {
    const input = {
      name: `<x>&'" \u263a`,
      description: `a</name><x>&'" kept`,
      memory: { mode: 'EXTERNAL', file: `/nonexistent/a</name><x>&'".mem` },
      disks: [
        {
          name: 'vda',
          mode: 'EXTERNAL',
          driverType: 'qcow2',
          sourceFile: `/nonexistent/a</name><x>&'".qcow2`,
        },
      ],
    } satisfies SnapshotXmlInput;
    const directory = mkdtempSync(join(tmpdir(), 'snapshot-xml-'));
    try {
      const file = join(directory, 'snapshot.xml');
      writeFileSync(file, buildSnapshotXml(input));
      const output = virsh([`snapshot-create test --xmlfile "${file}"`, 'snapshot-current test']);

      expect(parseSnapshotXml(documentIn(output))).toMatchObject({
        ...input,
        state: 'RUNNING',
        location: 'EXTERNAL',
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses an empty name', () => {
    expect(() => buildSnapshotXml({ name: '' })).toThrow(
      new SnapshotXmlError(
        'the snapshot name is empty: give a name, or none for libvirt to pick one',
      ),
    );
  });

  it('refuses a name with a slash, such as a</name><x>', () => {
    expect(() => buildSnapshotXml({ name: `a</name><x>&'"` })).toThrow(
      /the snapshot name 'a<\/name><x>&'"' contains '\/', which libvirt refuses/,
    );
  });

  it.each(['NO', 'INTERNAL', 'MANUAL'] as const)(
    'refuses a memory file with the mode %s',
    (mode) => {
      expect(() => buildSnapshotXml({ memory: { mode, file: '/m' } })).toThrow(
        new SnapshotXmlError(
          `memory.file is only for an EXTERNAL memory snapshot, and memory.mode is ${mode}`,
        ),
      );
    },
  );

  it.each(['NO', 'INTERNAL', 'MANUAL'] as const)(
    'refuses a disk source file with the mode %s',
    (mode) => {
      expect(() => buildSnapshotXml({ disks: [{ name: 'vda', mode, sourceFile: '/d' }] })).toThrow(
        new SnapshotXmlError(
          `the disk 'vda' has a sourceFile, which is only for an EXTERNAL disk snapshot, and its ` +
            `mode is ${mode}`,
        ),
      );
    },
  );

  it('refuses a disk without a name', () => {
    const disks: SnapshotXmlInput['disks'] = [
      { name: 'vda', mode: 'INTERNAL' },
      { name: '', mode: 'INTERNAL' },
    ];

    expect(() => buildSnapshotXml({ disks })).toThrow(
      new SnapshotXmlError(
        'disks[1] has no name: name the disk by its target (vda) or source path',
      ),
    );
  });

  it('refuses a disk given twice', () => {
    const disks: SnapshotXmlInput['disks'] = [
      { name: 'vda', mode: 'INTERNAL' },
      { name: 'vda', mode: 'EXTERNAL' },
    ];

    expect(() => buildSnapshotXml({ disks })).toThrow(
      new SnapshotXmlError("the disk 'vda' is given twice in disks"),
    );
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => buildSnapshotXml({ description: 'a\u0000b' })).toThrow(SnapshotXmlError);
  });
});
