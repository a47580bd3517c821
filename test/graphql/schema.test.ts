import { readFileSync } from 'node:fs';
import {
  astFromValue,
  type DefinitionNode,
  type FieldDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  type InputValueDefinitionNode,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type ObjectTypeExtensionNode,
  parse,
  print,
  buildSchema as schemaFromSdl,
  TokenKind,
  type TypeDefinitionNode,
  type TypeNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSchemaSdl } from '../../src/resolvers/index.ts';

// The contract sits beside the project: /work/shared/API.md here, the same layout in CI.
const API_MD = readFileSync(new URL('../../../shared/API.md', import.meta.url), 'utf8');
const SCHEMA_FILE = new URL('../../schema/schema.graphql', import.meta.url);

// The sections whose graphql blocks this file checks; Safety's `extend type` blocks are
// checked on their own, below.
const SECTIONS = ['Identity', 'Types', 'Mutations', 'Subscriptions', 'Safety'];
const BUILT_IN_SCALARS = new Set(['ID', 'String', 'Int', 'Float', 'Boolean']);

const printed = printSchemaSdl();
const schema = schemaFromSdl(printed);

/** The text of the `## title` section of API.md, up to the next `## ` heading. */
function section(title: string): string {
  const start = API_MD.indexOf(`\n## ${title}\n`);
  if (start === -1) {
    throw new Error(`API.md has no section "## ${title}"`);
  }

  const end = API_MD.indexOf('\n## ', start + 1);

  return API_MD.slice(start, end === -1 ? undefined : end);
}

/** The type definitions of the sections' graphql blocks, in the order API.md writes them. */
function contractDefinitions(): TypeDefinitionNode[] {
  const blocks = SECTIONS.flatMap((title) =>
    [...section(title).matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? ''),
  );

  return blocks.flatMap((block) => parse(block).definitions).filter(isTypeDefinition);
}

// `extend type` blocks belong to the Safety section; only plain definitions are checked.
function isTypeDefinition(definition: DefinitionNode): definition is TypeDefinitionNode {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.ENUM_TYPE_DEFINITION ||
    definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
    definition.kind === Kind.UNION_TYPE_DEFINITION
  );
}

/** The comment lines that follow a field definition, joined: API.md's notes on the field. */
function trailingComment(field: FieldDefinitionNode | InputValueDefinitionNode): string {
  const lines: string[] = [];
  for (
    let token = field.loc?.endToken.next ?? null;
    token !== null && token.kind === TokenKind.COMMENT;
    token = token.next
  ) {
    lines.push(token.value.trim());
  }

  return lines.join(' ');
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/** How a comment describes a type: enum values, or fields with an optional type or values. */
type CommentedType =
  | { kind: 'enum'; values: string[] }
  | {
      kind: 'fields';
      /** Written as `{ ... }`, which only ever describes a type. */
      braced: boolean;
      fields: Array<{ name: string; type?: string; values?: string[] }>;
    };

/**
 * Reads a type out of a field's comment: `{ mode: NO|INTERNAL, file: String }` lists fields,
 * a run of upper-case words lists enum values, a run of camel-case words lists fields.
 * Parenthesised asides (the libvirt flag a value maps to) are not part of the description.
 */
function commentedType(comment: string): CommentedType | null {
  const braces = /\{([^}]*)\}/.exec(comment);
  if (braces !== null) {
    const fields = (braces[1] ?? '').split(',').map((member) => {
      const [name = '', spec] = member.split(':').map((part) => part.trim());
      if (spec === undefined) {
        return { name };
      }

      return spec.includes('|') ? { name, values: spec.split('|') } : { name, type: spec };
    });

    return { kind: 'fields', braced: true, fields };
  }

  const words = comment.replace(/\([^)]*\)/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const values = words.filter((word) => /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(word));
  if (values.length > 0) {
    return { kind: 'enum', values };
  }

  if (words.length > 0 && words.every((word) => /^[a-z][A-Za-z0-9]*$/.test(word))) {
    return { kind: 'fields', braced: false, fields: words.map((name) => ({ name })) };
  }

  return null;
}

function printDefault(value: unknown, type: GraphQLInputType): string {
  const ast = value === undefined ? null : astFromValue(value, type);

  return ast === null || ast === undefined ? '(none)' : print(ast);
}

/** The mismatches between one contract argument or input field and the schema's. */
function inputMismatches(
  where: string,
  expected: InputValueDefinitionNode,
  actual: GraphQLInputField | GraphQLArgument | undefined,
): string[] {
  if (actual === undefined) {
    return [`${where} is missing`];
  }

  const mismatches: string[] = [];
  if (print(expected.type) !== String(actual.type)) {
    mismatches.push(`${where} is ${String(actual.type)}, not ${print(expected.type)}`);
  }

  if (expected.defaultValue !== undefined) {
    const want = print(expected.defaultValue);
    const have = printDefault(actual.defaultValue, actual.type);
    if (want !== have) {
      mismatches.push(`${where} defaults to ${have}, not ${want}`);
    }
  }

  return mismatches;
}

/**
 * The arguments or input fields the schema adds that a client must give: extra ones are
 * allowed, but only optional ones, or a query written against API.md would fail.
 */
function isRequiredInput(input: GraphQLInputField | GraphQLArgument): boolean {
  return isNonNullType(input.type) && input.defaultValue === undefined;
}

function extraRequired(
  inputs: ReadonlyArray<GraphQLInputField | GraphQLArgument>,
  known: string[],
  where: (name: string) => string,
): string[] {
  return inputs
    .filter((input) => !known.includes(input.name) && isRequiredInput(input))
    .map((input) => `${where(input.name)} is required, and API.md has no such input`);
}

/** The mismatches between one contract field of an object or interface and the schema's. */
function fieldMismatches(
  where: string,
  expected: FieldDefinitionNode,
  actual: GraphQLField<unknown, unknown> | undefined,
): string[] {
  if (actual === undefined) {
    return [`${where} is missing`];
  }

  const mismatches: string[] = [];
  if (print(expected.type) !== String(actual.type)) {
    mismatches.push(`${where} is ${String(actual.type)}, not ${print(expected.type)}`);
  }

  for (const argument of expected.arguments ?? []) {
    const name = argument.name.value;
    const found = actual.args.find((candidate) => candidate.name === name);
    mismatches.push(...inputMismatches(`${where}(${name}:)`, argument, found));
  }

  const known = (expected.arguments ?? []).map((argument) => argument.name.value);
  mismatches.push(...extraRequired(actual.args, known, (name) => `${where}(${name}:)`));

  return mismatches;
}

const KIND_NAMES: Record<TypeDefinitionNode['kind'], string> = {
  [Kind.OBJECT_TYPE_DEFINITION]: 'an object type',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'an interface',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'an input type',
  [Kind.ENUM_TYPE_DEFINITION]: 'an enum',
  [Kind.SCALAR_TYPE_DEFINITION]: 'a scalar',
  [Kind.UNION_TYPE_DEFINITION]: 'a union',
};

function hasKind(type: GraphQLNamedType, kind: TypeDefinitionNode['kind']): boolean {
  switch (kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
      return isObjectType(type);
    case Kind.INTERFACE_TYPE_DEFINITION:
      return isInterfaceType(type);
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      return isInputObjectType(type);
    case Kind.ENUM_TYPE_DEFINITION:
      return isEnumType(type);
    case Kind.SCALAR_TYPE_DEFINITION:
      return isScalarType(type);
    default:
      return type.astNode?.kind === kind;
  }
}

/** Every way the schema's type differs from one definition of a graphql block. */
function definitionMismatches(definition: TypeDefinitionNode, target: GraphQLSchema): string[] {
  const name = definition.name.value;
  const type = target.getType(name);
  if (type === undefined || type === null) {
    return [`${name} is missing`];
  }

  if (!hasKind(type, definition.kind)) {
    return [`${name} is not ${KIND_NAMES[definition.kind]}`];
  }

  const mismatches: string[] = [];
  if (definition.kind === Kind.ENUM_TYPE_DEFINITION && isEnumType(type)) {
    for (const value of definition.values ?? []) {
      if (type.getValue(value.name.value) === undefined) {
        mismatches.push(`${name}.${value.name.value} is missing`);
      }
    }
  }

  if (
    (definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION) &&
    (isObjectType(type) || isInterfaceType(type))
  ) {
    const implemented = type.getInterfaces().map((candidate) => candidate.name);
    for (const expected of definition.interfaces ?? []) {
      if (!implemented.includes(expected.name.value)) {
        mismatches.push(`${name} does not implement ${expected.name.value}`);
      }
    }

    const fields = type.getFields();
    for (const field of definition.fields ?? []) {
      const where = `${name}.${field.name.value}`;
      mismatches.push(...fieldMismatches(where, field, fields[field.name.value]));
    }
  }

  if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && isInputObjectType(type)) {
    const fields = type.getFields();
    for (const field of definition.fields ?? []) {
      const where = `${name}.${field.name.value}`;
      mismatches.push(...inputMismatches(where, field, fields[field.name.value]));
    }

    const known = (definition.fields ?? []).map((field) => field.name.value);
    const extra = extraRequired(Object.values(fields), known, (field) => `${name}.${field}`);
    mismatches.push(...extra);
  }

  return mismatches;
}

/** A type API.md describes in the comment on a field of another type. */
interface CommentedTypeUse {
  /** The type the comment describes. */
  name: string;
  /** The field whose comment it is, for the messages. */
  field: string;
  /** Whether the field is an input field, so that the type must be an input type. */
  input: boolean;
  description: CommentedType;
}

/**
 * The types the contract writes as comments: for a type with no definition of its own, the
 * first commented field of that type describes it (later comments on fields of the same type
 * name libvirt flags instead); a `{ ... }` comment is checked wherever it stands.
 */
function commentedTypeUses(definitions: TypeDefinitionNode[]): CommentedTypeUse[] {
  const defined = new Set(definitions.map((definition) => definition.name.value));
  const described = new Set<string>();
  const uses: CommentedTypeUse[] = [];
  for (const definition of definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION
    ) {
      continue;
    }

    const fields: ReadonlyArray<FieldDefinitionNode | InputValueDefinitionNode> =
      definition.fields ?? [];
    for (const field of fields) {
      const name = namedTypeOf(field.type);
      const description = commentedType(trailingComment(field));
      if (BUILT_IN_SCALARS.has(name) || description === null) {
        continue;
      }

      const firstMention = !defined.has(name) && !described.has(name);
      if (firstMention || (description.kind === 'fields' && description.braced)) {
        described.add(name);
        uses.push({
          name,
          field: `${definition.name.value}.${field.name.value}`,
          input: definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION,
          description,
        });
      }
    }
  }

  return uses;
}

/** The fields of an input type, or of an object type or interface; null for anything else. */
function fieldsOf(
  type: GraphQLNamedType,
  input: boolean,
): Record<string, { type: GraphQLOutputType | GraphQLInputType }> | null {
  if (input) {
    return isInputObjectType(type) ? type.getFields() : null;
  }

  return isObjectType(type) || isInterfaceType(type) ? type.getFields() : null;
}

/** Every way the schema's type differs from what a comment says of it. */
function commentMismatches(use: CommentedTypeUse, target: GraphQLSchema): string[] {
  const where = `${use.name} (as the comment on ${use.field} says)`;
  const type = target.getType(use.name);
  if (type === undefined || type === null) {
    return [`${where} is missing`];
  }

  const { description } = use;
  if (description.kind === 'enum') {
    if (!isEnumType(type)) {
      return [`${where} is not an enum`];
    }

    return description.values
      .filter((value) => type.getValue(value) === undefined)
      .map((value) => `${use.name}.${value} is missing`);
  }

  const fields = fieldsOf(type, use.input);
  if (fields === null) {
    return [`${where} is not ${use.input ? 'an input type' : 'an object type'}`];
  }

  const mismatches: string[] = [];
  for (const expected of description.fields) {
    const field = fields[expected.name];
    if (field === undefined) {
      mismatches.push(`${use.name}.${expected.name} is missing`);
      continue;
    }

    if (expected.type !== undefined && String(field.type) !== expected.type) {
      mismatches.push(
        `${use.name}.${expected.name} is ${String(field.type)}, not ${expected.type}`,
      );
    }

    const values = expected.values ?? [];
    const fieldType = getNamedType(field.type);
    if (values.length > 0 && !isEnumType(fieldType)) {
      mismatches.push(`${use.name}.${expected.name} is not an enum`);
    } else if (isEnumType(fieldType)) {
      for (const value of values.filter(
        (candidate) => fieldType.getValue(candidate) === undefined,
      )) {
        mismatches.push(`${use.name}.${expected.name} has no value ${value}`);
      }
    }
  }

  return mismatches;
}

/** Identity: "`Host`, `Domain` and `Snapshot` implement `Node { id: ID! }`". */
function identityContract(): { node: TypeDefinitionNode; implementers: string[] } {
  const identity = section('Identity');
  const sentence = /^(.*?) implement `(Node \{[^`]*\})`/m.exec(identity);
  if (sentence === null) {
    throw new Error("API.md's Identity section no longer says which types implement Node");
  }

  const implementers = [...(sentence[1] ?? '').matchAll(/`(\w+)`/g)].map((match) => match[1] ?? '');
  const [node] = parse(`interface ${sentence[2]}`).definitions.filter(isTypeDefinition);

  return { node: node as TypeDefinitionNode, implementers };
}

/** Safety's `extend type` blocks: the fields they add to types defined elsewhere. */
function safetyExtensions(): ObjectTypeExtensionNode[] {
  return [...section('Safety').matchAll(/^```graphql\n([\s\S]*?)^```$/gm)]
    .flatMap((match) => parse(match[1] ?? '').definitions)
    .filter((definition) => definition.kind === Kind.OBJECT_TYPE_EXTENSION);
}

describe('schema/schema.graphql', () => {
  it('is the schema the server prints', () => {
    const file = readFileSync(SCHEMA_FILE, 'utf8');

    expect(file, 'schema/schema.graphql is out of date: run `npm run print-schema`').toBe(printed);
  });
});

describe('the schema against API.md', () => {
  const definitions = contractDefinitions();

  it('finds the graphql blocks of Types, Mutations and Subscriptions', () => {
    const names = definitions.map((definition) => definition.name.value);

    expect(names).toEqual(
      expect.arrayContaining(['Query', 'Snapshot', 'Mutation', 'Subscription', 'SnapshotEvent']),
    );
  });

  it.each(definitions.map((definition) => [definition.name.value, definition] as const))(
    'has %s as API.md defines it',
    (_name, definition) => {
      expect(definitionMismatches(definition, schema)).toEqual([]);
    },
  );

  it.each(safetyExtensions().map((extension) => [extension.name.value, extension] as const))(
    'has the fields Safety adds to %s',
    (name, extension) => {
      const type = schema.getType(name);
      const fields =
        type !== undefined && type !== null && isObjectType(type) ? type.getFields() : {};
      const mismatches = (extension.fields ?? []).flatMap((field) =>
        fieldMismatches(`${name}.${field.name.value}`, field, fields[field.name.value]),
      );

      expect(mismatches).toEqual([]);
    },
  );

  it('takes expectedTreeVersion on every mutation, and dryRun on revert and delete', () => {
    const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});
    const inputs = mutations.map((mutation) => {
      const input = getNamedType(mutation.args.find((arg) => arg.name === 'input')?.type);
      const fields = input !== undefined && isInputObjectType(input) ? input.getFields() : {};

      return [mutation.name, fields] as const;
    });

    expect(inputs).toHaveLength(4);
    for (const [mutation, fields] of inputs) {
      expect(String(fields.expectedTreeVersion?.type), mutation).toBe('String');
      const dryRun = ['revertToSnapshot', 'deleteSnapshot'].includes(mutation)
        ? 'Boolean'
        : 'undefined';
      expect(String(fields.dryRun?.type), mutation).toBe(dryRun);
    }
  });

  it('finds the types API.md writes only as comments', () => {
    const names = commentedTypeUses(definitions).map((use) => use.name);

    expect(names).toEqual(
      expect.arrayContaining([
        'DomainState',
        'SnapshotState',
        'SnapshotKind',
        'SnapshotLocation',
        'PageInfo',
        'SnapshotMemoryInput',
        'SnapshotDiskInput',
        'RevertTargetState',
        'DeleteScope',
      ]),
    );
  });

  it.each(commentedTypeUses(definitions).map((use) => [use.name, use.field, use] as const))(
    'has %s as the comment on %s describes it',
    (_name, _field, use) => {
      expect(commentMismatches(use, schema)).toEqual([]);
    },
  );

  it('has Node and the types that implement it as Identity says', () => {
    const { node, implementers } = identityContract();
    const mismatches = [...definitionMismatches(node, schema)];
    for (const name of implementers) {
      const type = schema.getType(name);
      if (!isObjectType(type) || !type.getInterfaces().some((face) => face.name === 'Node')) {
        mismatches.push(`${name} does not implement Node`);
      }
    }

    expect(implementers).toEqual(['Host', 'Domain', 'Snapshot']);
    expect(mismatches).toEqual([]);
  });
});

describe('the contract checks', () => {
  // The checks themselves, on a schema that breaks the contract in each way they look for.
  const broken = schemaFromSdl(`
    type Query { hosts: [Host] }
    type Host { name: String, domains(first: Int = 1, where: String!): [String!]! }
    enum DomainState { RUNNING }
    input SnapshotMemoryInput { mode: String }
    type PageInfo { hasNextPage: Boolean! }
  `);

  it('reports a field whose nullability, list shape or default differs', () => {
    const [definition] = parse(`
      type Host { name: String!, uri: String!, domains(first: Int = 2): [String!]! }
    `).definitions.filter(isTypeDefinition);

    expect(definitionMismatches(definition as TypeDefinitionNode, broken)).toEqual([
      'Host.name is String, not String!',
      'Host.uri is missing',
      'Host.domains(first:) defaults to 1, not 2',
      'Host.domains(where:) is required, and API.md has no such input',
    ]);
  });

  it('reads enums and fields out of comments', () => {
    const definitions = parse(`
      type Thing {
        state: DomainState!  # RUNNING (VIR_RUNNING)
                             # PAUSED
        pageInfo: PageInfo!  # hasNextPage endCursor
      }
      input Make {
        memory: SnapshotMemoryInput  # { mode: NO|EXTERNAL, file: String }
      }
    `).definitions.filter(isTypeDefinition);
    const uses = commentedTypeUses(definitions);

    expect(uses.map((use) => commentMismatches(use, broken))).toEqual([
      ['DomainState.PAUSED is missing'],
      ['PageInfo.endCursor is missing'],
      ['SnapshotMemoryInput.mode is not an enum', 'SnapshotMemoryInput.file is missing'],
    ]);
  });
});
