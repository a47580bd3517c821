/**
 * Queries and mutations over HTTP (a JSON POST to `/graphql`), with the token the page was
 * given, and the errors the server answers in a shape the page can show.
 */

/** Where the token is kept: this tab's session only, never on disk. */
const TOKEN_KEY = 'vsg-dashboard-token';

/** The endpoint, on the page's own origin. */
export const GRAPHQL_PATH = '/graphql';

/** A failed operation: the first GraphQL error's message, `extensions.code` and the rest. */
export class GraphQLRequestError extends Error {
  /**
   * @param {string} message
   * @param {string} code `extensions.code`, e.g. `CONFLICT`, or `UNAUTHENTICATED` for a 401
   * @param {Record<string, unknown>} [extensions]
   */
  constructor(message, code, extensions = {}) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
    this.extensions = extensions;
  }

  /** The code with its reason, e.g. `CONFLICT (TREE_CHANGED)`. */
  get label() {
    const reason = this.extensions.reason;

    return typeof reason === 'string' ? `${this.code} (${reason})` : this.code;
  }
}

/** The token of this browser session, or null. */
export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps `token` for this session (null forgets it). */
export function storeToken(token) {
  if (token === null) {
    sessionStorage.removeItem(TOKEN_KEY);
  } else {
    sessionStorage.setItem(TOKEN_KEY, token);
  }
}

/** The `authorization` value for `token`, or undefined without one. */
export function authorization(token) {
  return token === null || token === '' ? undefined : `Bearer ${token}`;
}

/**
 * Sends one operation and answers its data. Fails with a {@link GraphQLRequestError} on the
 * first error, a refused token (401) included, unless the answer has data for every field
 * it asked for: then the errors (e.g. a host left out of a list) go to `onErrors`.
 *
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @param {{ token?: string | null, onErrors?: (errors: Array<{ message: string }>) => void }}
 *   [options] the token to send instead of the stored one; who is told of partial errors
 */
export async function request(query, variables = {}, options = {}) {
  const token = options.token === undefined ? storedToken() : options.token;
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const bearer = authorization(token);
  if (bearer !== undefined) {
    headers.authorization = bearer;
  }

  let response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new GraphQLRequestError(`The server cannot be reached: ${error.message}`, 'NETWORK');
  }

  let body;
  try {
    body = await response.json();
  } catch {
    throw new GraphQLRequestError(`The server answered ${response.status}`, 'HTTP_ERROR');
  }

  const errors = body.errors ?? [];
  if (errors.length === 0) {
    return body.data;
  }

  if (options.onErrors !== undefined && isComplete(body.data)) {
    options.onErrors(errors);

    return body.data;
  }

  const extensions = errors[0].extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : `HTTP_${response.status}`;

  throw new GraphQLRequestError(errors[0].message, code, extensions);
}

/** Whether an answer has a value for every field asked for at its top. */
function isComplete(data) {
  return (
    data !== null && data !== undefined && Object.values(data).every((value) => value !== null)
  );
}

/** A readable line for any error the page meets: `CODE: message`. */
export function describeError(error) {
  if (error instanceof GraphQLRequestError) {
    return `${error.label}: ${error.message}`;
  }

  return error instanceof Error ? error.message : String(error);
}
