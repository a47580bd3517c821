import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../resolvers/context.ts';

/**
 * Adds an `UNAVAILABLE` error for each host a field across every host left out (the context's
 * `leftOut`), beside the data the other hosts gave: a host that is down does not hide the
 * others, and the caller learns which part is missing.
 */
export function useLeftOutHosts(): Plugin<Context> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const { leftOut } = args.contextValue as Context;
          if (leftOut.length === 0 || !('data' in result)) {
            return;
          }

          const errors = leftOut.map(
            ({ host, reason, path }) =>
              new GraphQLError(`host ${host} is left out of this answer: ${reason}`, {
                path,
                extensions: { code: 'UNAVAILABLE', host },
              }),
          );
          setResult({ ...result, errors: [...(result.errors ?? []), ...errors] });
        },
      };
    },
  };
}
