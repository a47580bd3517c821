import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { badInput } from '../errors.ts';
import type { Context } from './context.ts';

/** The node types and the typename their global IDs carry. */
export const NODE_TYPES = ['Host', 'Domain', 'Snapshot'] as const;

// Global IDs already encoded, by typename, then by inner key (the same string each time for
// a snapshot, see snapshot.ts, so that looking it up costs no new string): a tree's thousands
// of snapshots are answered again and again with the same IDs. Each typename's map is emptied
// when it grows past ENCODED_MAX.
const encoded = new Map<string, Map<string, string>>();
const ENCODED_MAX = 100_000;

function encodeGlobalID(typename: string, id: string | number | bigint): string {
  const key = String(id);
  let ofType = encoded.get(typename);
  if (ofType === undefined) {
    ofType = new Map();
    encoded.set(typename, ofType);
  }

  let globalID = ofType.get(key);
  if (globalID === undefined) {
    if (ofType.size >= ENCODED_MAX) {
      ofType.clear();
    }

    globalID = Buffer.from(`${typename}:${key}`, 'utf8').toString('base64url');
    ofType.set(key, globalID);
  }

  return globalID;
}

function decodeGlobalID(globalID: string): { typename: string; id: string } {
  const decoded = /^[A-Za-z0-9_-]+$/.test(globalID)
    ? Buffer.from(globalID, 'base64url').toString('utf8')
    : '';
  const separator = decoded.indexOf(':');
  const typename = decoded.slice(0, separator);
  if (separator <= 0 || !(NODE_TYPES as readonly string[]).includes(typename)) {
    throw badInput(`${JSON.stringify(globalID)} is not an ID of this server`);
  }

  return { typename, id: decoded.slice(separator + 1) };
}

/** The one Pothos builder: relay nodes, global IDs and one SnapshotConnection. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: true,
    encodeGlobalID,
    decodeGlobalID,
  },
});

/** Decodes a global ID that must name a `typename`; anything else is bad input. */
export function expectGlobalID(globalID: string, typename: (typeof NODE_TYPES)[number]): string {
  const decoded = decodeGlobalID(globalID);
  if (decoded.typename !== typename) {
    throw badInput(
      `${JSON.stringify(globalID)} is the ID of a ${decoded.typename}, not of a ${typename}`,
    );
  }

  return decoded.id;
}

export { encodeGlobalID };

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

// Each snapshot's creation time is one Date for as long as its XML is unchanged: its text is
// made once.
const dateTexts = new WeakMap<Date, string>();

function dateText(date: Date): string {
  let text = dateTexts.get(date);
  if (text === undefined) {
    text = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    dateTexts.set(date, text);
  }

  return text;
}

builder.scalarType('DateTime', {
  description: 'An instant as ISO-8601 with time zone, e.g. 2026-12-03T16:04:33Z',
  serialize: (value) => dateText(value as Date),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) {
      throw badInput(`${JSON.stringify(value)} is no ISO-8601 date and time`);
    }

    return date;
  },
});
