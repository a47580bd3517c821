import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConnectCloseReason,
  DomainJobOperation,
  DomainJobStatsFlags,
  DomainJobType,
  DomainState,
  DomainUndefineFlags,
  DomainXMLFlags,
  ListDomainsFlags,
  SnapshotCreateFlags,
  SnapshotDeleteFlags,
  SnapshotListFlags,
  SnapshotRevertFlags,
  SnapshotXMLFlags,
  TypedParameterType,
} from '../../src/ffi/flags.ts';
import { ErrorDomain, ErrorNumber } from '../../src/ffi/libvirt-error.ts';
import { snapshotSymbols, unboundSnapshotFunctions } from '../../src/ffi/symbols.ts';

// libvirt's own description of its API, from libvirt-dev: the list comes from libvirt, not
// from this test.
const API_XML = '/usr/share/libvirt/api/libvirt-api.xml';
const api = readFileSync(API_XML, 'utf8');

function attributes(element: string): Record<string, string> {
  return Object.fromEntries(
    [...element.matchAll(/(\w+)='([^']*)'/g)].map((match) => [match[1], match[2]]),
  );
}

function elements(tag: string): Array<Record<string, string>> {
  return [...api.matchAll(new RegExp(`<${tag} [^>]*>`, 'g'))].map((match) => attributes(match[0]));
}

const snapshotFunctions = elements('function')
  .filter((element) => element.file === 'libvirt-domain-snapshot')
  .map((element) => element.name as string);

const enums = new Map(elements('enum').map((element) => [element.name ?? '', element]));

function enumValue(name: string): number {
  const value = enums.get(name)?.value;
  if (value === undefined) {
    throw new Error(`${name} is not in ${API_XML}`);
  }

  // An alias such as VIR_DOMAIN_SNAPSHOT_XML_SECURE = VIR_DOMAIN_XML_SECURE.
  return /^\d+$/.test(value) ? Number(value) : enumValue(value);
}

describe('the snapshot module of libvirt-api.xml', () => {
  it('has functions to compare with', () => {
    expect(snapshotFunctions.length).toBeGreaterThanOrEqual(21);
  });

  it.each(snapshotFunctions)('binds %s or says why not', (name) => {
    const bound = Object.hasOwn(snapshotSymbols, name);
    const leftOut = Object.hasOwn(unboundSnapshotFunctions, name);

    expect(bound || leftOut, `${name} is neither bound nor listed as left out`).toBe(true);
    expect(bound && leftOut, `${name} is both bound and listed as left out`).toBe(false);
  });

  it('binds nothing the module does not have', () => {
    for (const name of [
      ...Object.keys(snapshotSymbols),
      ...Object.keys(unboundSnapshotFunctions),
    ]) {
      expect(snapshotFunctions).toContain(name);
    }
  });
});

describe('the snapshot flags', () => {
  const groups: Array<[string, Record<string, number>]> = [
    ['VIR_DOMAIN_SNAPSHOT_CREATE_', SnapshotCreateFlags],
    ['VIR_DOMAIN_SNAPSHOT_DELETE_', SnapshotDeleteFlags],
    ['VIR_DOMAIN_SNAPSHOT_LIST_', SnapshotListFlags],
    ['VIR_DOMAIN_SNAPSHOT_REVERT_', SnapshotRevertFlags],
    ['VIR_DOMAIN_SNAPSHOT_XML_', SnapshotXMLFlags],
  ];

  it.each(groups)('has every %s flag with libvirt’s value', (prefix, constants) => {
    const fromLibvirt = [...enums.keys()]
      .filter((name) => name.startsWith(prefix))
      .map((name) => [name.slice(prefix.length), enumValue(name)] as const);

    expect(fromLibvirt.length).toBeGreaterThan(0);
    expect(Object.fromEntries(fromLibvirt)).toEqual(constants);
  });
});

describe('the other constants', () => {
  const groups: Array<[string, Record<string, number>]> = [
    ['VIR_ERR_', ErrorNumber],
    ['VIR_FROM_', ErrorDomain],
    ['VIR_DOMAIN_', DomainState],
    ['VIR_DOMAIN_XML_', DomainXMLFlags],
    ['VIR_CONNECT_LIST_DOMAINS_', ListDomainsFlags],
    ['VIR_DOMAIN_UNDEFINE_', DomainUndefineFlags],
    ['VIR_CONNECT_CLOSE_REASON_', ConnectCloseReason],
  ];

  it.each(groups)('gives each %s constant libvirt’s value', (prefix, constants) => {
    for (const [name, value] of Object.entries(constants)) {
      expect(enumValue(`${prefix}${name}`), `${prefix}${name}`).toBe(value);
    }
  });
});

describe('the job constants', () => {
  // Each is a whole C enum, named by the `type` libvirt-api.xml gives its members; the
  // `_LAST` sentinel is left out, as the header leaves it out without VIR_ENUM_SENTINELS.
  const groups: Array<[string, string, Record<string, number>]> = [
    ['virDomainJobType', 'VIR_DOMAIN_JOB_', DomainJobType],
    ['virDomainJobOperation', 'VIR_DOMAIN_JOB_OPERATION_', DomainJobOperation],
    ['virDomainGetJobStatsFlags', 'VIR_DOMAIN_JOB_STATS_', DomainJobStatsFlags],
    ['virTypedParameterType', 'VIR_TYPED_PARAM_', TypedParameterType],
  ];

  it.each(groups)('has every %s value with libvirt’s value', (type, prefix, constants) => {
    const fromLibvirt = elements('enum')
      .filter((element) => element.type === type && element.name !== `${prefix}LAST`)
      .map((element) => [(element.name ?? '').slice(prefix.length), Number(element.value)]);

    expect(fromLibvirt.length).toBeGreaterThan(0);
    expect(Object.fromEntries(fromLibvirt)).toEqual(constants);
  });
});
