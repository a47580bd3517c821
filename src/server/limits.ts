import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { ErrorCode } from '../errors.ts';

/** The limits on one operation's document, checked as it is parsed and validated. */
export type OperationLimits = Pick<Config, 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxCost'>;

/** What `extensions.limit` names: the limit an operation or a request went over. */
export type LimitName =
  | 'depth'
  | 'aliases'
  | 'tokens'
  | 'cost'
  | 'bodySize'
  | 'operationsPerSocket';

/** The flag that sets each limit, for messages that say how to raise it. */
const flags: Record<LimitName, string> = {
  depth: '--max-depth',
  aliases: '--max-aliases',
  tokens: '--max-tokens',
  cost: '--max-cost',
  bodySize: '--max-body-size',
  operationsPerSocket: '--max-subscriptions-per-socket',
};

/**
 * A `LIMIT_EXCEEDED` error: `extensions.limit` names the limit and `extensions.max` is its
 * value, so a client can tell which one it went over without reading the message.
 */
export function limitExceeded(
  limit: LimitName,
  max: number,
  message: string,
  status?: number,
): GraphQLError {
  return new GraphQLError(`${message} The limit is set with ${flags[limit]}.`, {
    extensions: {
      code: ErrorCode.LIMIT_EXCEEDED,
      limit,
      max,
      ...(status === undefined ? {} : { http: { status } }),
    },
  });
}

// graphql-armor words its errors as syntax errors ("Syntax Error: Query depth limit of 15
// exceeded, found 16."); the count in them is kept, the misleading prefix is not.
function armorMessage(error: GraphQLError): string {
  return error.message.replace(/^Syntax Error: /, '');
}

/**
 * Reports a rejection of a validation rule as a `LIMIT_EXCEEDED` validation error, so that
 * the operation is refused with the other validation errors and nothing throws: over
 * graphql-ws a thrown error would close the whole socket.
 */
function reportAs(limit: LimitName, max: number): GraphQLArmorRejectCallback {
  return (context, error) => {
    context?.reportError(limitExceeded(limit, max, armorMessage(error)));
  };
}

/**
 * The limits on an operation's document as Yoga plugins: tokens while it is parsed; depth,
 * aliases and cost while it is validated (graphql-armor's). They hook envelop's `parse` and
 * `validate`, which HTTP, SSE and graphql-ws (through `yoga.getEnveloped`) all call, so every
 * transport has the same limits. Every refusal is `LIMIT_EXCEEDED`.
 */
export function useOperationLimits(limits: OperationLimits): Plugin[] {
  return [
    maxTokensPlugin({
      n: limits.maxTokens,
      // The parser must stop at once, so this one throws: the parse fails with this error.
      onReject: [
        (_context, error) => {
          throw limitExceeded('tokens', limits.maxTokens, armorMessage(error));
        },
      ],
    }),
    maxDepthPlugin({
      n: limits.maxDepth,
      // __schema is not counted (armor's default): GraphiQL's introspection query, with its
      // nine levels of ofType, is deeper than 15. The limit on tokens still bounds it.
      propagateOnRejection: false,
      onReject: [reportAs('depth', limits.maxDepth)],
    }),
    maxAliasesPlugin({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [reportAs('aliases', limits.maxAliases)],
    }),
    costLimitPlugin({
      maxCost: limits.maxCost,
      propagateOnRejection: false,
      onReject: [reportAs('cost', limits.maxCost)],
    }),
  ] as Plugin[];
}

function isTooLarge(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === 'REQUEST_ENTITY_TOO_LARGE';
}

/**
 * Yoga refuses a request body over `maxRequestBodySize` with 413 (by its Content-Length, or
 * by counting the bytes as they arrive when there is none); this plugin words that refusal as
 * the other limits are: `LIMIT_EXCEEDED`, still with status 413.
 */
export function useBodySizeError(maxBodyBytes: number): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.some(isTooLarge)) {
        return;
      }

      setResult({
        ...result,
        errors: result.errors.map((error) =>
          isTooLarge(error)
            ? limitExceeded(
                'bodySize',
                maxBodyBytes,
                `The request body is over the limit of ${maxBodyBytes} bytes.`,
                413,
              )
            : error,
        ),
      });
    },
  };
}

/**
 * The refusal of an operation that would make a WebSocket's operations in flight more than
 * `max`; null while the socket has room. `running` counts the operation asked for.
 */
export function operationsPerSocketError(running: number, max: number): GraphQLError | null {
  if (running <= max) {
    return null;
  }

  return limitExceeded(
    'operationsPerSocket',
    max,
    `This WebSocket already runs ${max} operations, the most one socket may run at once; ` +
      'complete one first or open another socket.',
  );
}

/**
 * The header a request that a browser would send without a preflight (a GET, a form's POST)
 * must carry: a page of a foreign origin cannot add it without asking first.
 */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * Every limit the server sets through Yoga's plugins: CSRF prevention (a request that a
 * browser would send without a preflight must carry {@link CSRF_HEADER}), the limits on an
 * operation's document, and the wording of the body-size refusal.
 */
export function useLimits(config: OperationLimits & Pick<Config, 'maxBodyBytes'>): Plugin[] {
  return [
    useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
    ...useOperationLimits(config),
    useBodySizeError(config.maxBodyBytes),
  ];
}
