/** What a token lets its bearer do (API.md, Access). */
export type TokenRole = 'viewer' | 'operator';

/** One bearer token the server accepts. */
export interface TokenConfig {
  role: TokenRole;
  /** The secret itself; never logged, never echoed in an error. */
  token: string;
  /** Who holds it, as the logs name them; null when the token has no name. */
  name: string | null;
  /** Where it was defined, for error messages: `FILE line N`, `VSG_TOKENS entry N`. */
  source: string;
}

/** A token list that cannot be used; its message names the file and line, or the entry. */
export class TokenListError extends Error {
  override readonly name = 'TokenListError';
}

const ROLES: readonly string[] = ['viewer', 'operator'] satisfies TokenRole[];

// RFC 6750's b64token: the characters a bearer token can carry in an Authorization header.
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// Names end up in log lines: printable text only.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Parses a tokens file: one `ROLE TOKEN [NAME]` a line, fields separated by whitespace, the
 * name being the rest of the line. `#` at the start of a line or after whitespace starts a
 * comment; blank lines are skipped. `file` is the path the messages name.
 */
export function parseTokensFile(text: string, file: string): TokenConfig[] {
  const tokens: TokenConfig[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const content = line.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') {
      continue;
    }

    const source = `${file} line ${index + 1}`;
    const fields = /^(\S+)\s+(\S+)(?:\s+(.+))?$/.exec(content);
    if (fields === null) {
      throw new TokenListError(`${source}: expected ROLE TOKEN [NAME], found only a role`);
    }

    const [, role = '', token = '', name = null] = fields;
    tokens.push(tokenConfig(source, role, token, name));
  }

  return tokens;
}

/**
 * Parses the `VSG_TOKENS` environment variable: `ROLE:TOKEN[:NAME]` entries separated by
 * commas, whitespace around an entry ignored, empty entries skipped. The name is everything
 * after the second colon.
 */
export function parseTokensEnv(value: string, variable = 'VSG_TOKENS'): TokenConfig[] {
  const tokens: TokenConfig[] = [];
  for (const [index, entry] of value.split(',').entries()) {
    const content = entry.trim();
    if (content === '') {
      continue;
    }

    const source = `${variable} entry ${index + 1}`;
    const [role = '', token, ...rest] = content.split(':');
    if (token === undefined) {
      throw new TokenListError(`${source}: expected ROLE:TOKEN[:NAME], found no colon`);
    }

    const name = rest.join(':').trim();
    tokens.push(tokenConfig(source, role.trim(), token.trim(), name === '' ? null : name));
  }

  return tokens;
}

/**
 * Fails when two entries carry the same token: one secret cannot have two roles or two names.
 * Only where they are defined is named, never the token.
 */
export function assertDistinctTokens(tokens: readonly TokenConfig[]): void {
  const seen = new Map<string, TokenConfig>();
  for (const entry of tokens) {
    const earlier = seen.get(entry.token);
    if (earlier !== undefined) {
      throw new TokenListError(
        `${entry.source}: the same token as ${earlier.source}; give each holder a token of their own`,
      );
    }

    seen.set(entry.token, entry);
  }
}

/** One token, checked: a known role, a token a Bearer header can carry, a printable name. */
export function tokenConfig(
  source: string,
  role: string,
  token: string,
  name: string | null,
): TokenConfig {
  if (!ROLES.includes(role)) {
    throw new TokenListError(
      `${source}: the role must be viewer or operator, not ${JSON.stringify(role)}`,
    );
  }

  if (!BEARER_TOKEN.test(token)) {
    throw new TokenListError(
      `${source}: a token may hold only letters, digits and - . _ ~ + / (then = padding), ` +
        'as an Authorization: Bearer header carries it',
    );
  }

  if (name !== null && CONTROL_CHARACTERS.test(name)) {
    throw new TokenListError(`${source}: a token's name must be printable text`);
  }

  return { role: role as TokenRole, token, name, source };
}
