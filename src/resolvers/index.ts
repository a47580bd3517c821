import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import { logMutations } from './mutation-log.ts';
import './host.ts';
import './domain.ts';
import './snapshot.ts';
import './query.ts';
import './mutations/create-snapshot.ts';
import './mutations/redefine-snapshot.ts';
import './mutations/revert-to-snapshot.ts';
import './mutations/delete-snapshot.ts';
import './subscription.ts';

export { type Context, type RoleName, TreeCache } from './context.ts';

let schema: GraphQLSchema | undefined;

/** The GraphQL schema of API.md, built once. */
export function buildSchema(): GraphQLSchema {
  schema ??= logMutations(builder.toSchema());

  return schema;
}

/** The schema as SDL, sorted so that its printed form does not depend on file order. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}
