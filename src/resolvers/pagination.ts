import { badInput } from '../errors.ts';

/** Relay's pagination arguments as the connection fields receive them. */
export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** One page of a connection, in the shape Pothos's relay plugin resolves. */
export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

const CURSOR_PREFIX = 'snapshot:';

/** An opaque cursor naming one snapshot: it stays valid while the snapshot exists. */
export function snapshotCursor(name: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${name}`, 'utf8').toString('base64url');
}

function cursorName(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) {
    throw badInput(`${JSON.stringify(cursor)} is not a cursor of this connection`);
  }

  return decoded.slice(CURSOR_PREFIX.length);
}

function checkCount(name: string, value: number | null | undefined, cap: number): void {
  if (value === null || value === undefined) {
    return;
  }

  if (value < 0) {
    throw badInput(`${name} must not be negative`);
  }

  if (value > cap) {
    throw badInput(`${name} may be at most ${cap}, the cap on page size`);
  }
}

function isGiven(cursor: string | null | undefined): cursor is string {
  return cursor !== null && cursor !== undefined;
}

function position(items: Array<{ name: string }>, cursor: string): number {
  const name = cursorName(cursor);
  const index = items.findIndex((item) => item.name === name);
  if (index < 0) {
    throw badInput('the cursor names a snapshot that is no longer in this list; read it again');
  }

  return index;
}

/**
 * An edge whose cursor is made when it is read: a whole-tree query that asks for nodes only
 * then encodes no cursor for its thousands of snapshots.
 */
class Edge<T extends { name: string }> {
  readonly node: T;

  constructor(node: T) {
    this.node = node;
  }

  get cursor(): string {
    return snapshotCursor(this.node.name);
  }
}

/**
 * A page of `items` (already filtered and ordered) by relay's rules: `after`/`before` cut
 * the list, then `first` keeps the head or `last` the tail. With neither, the whole list up
 * to `cap`, with `hasNextPage` telling when more remain.
 */
export function paginate<T extends { name: string }>(
  items: T[],
  args: PageArgs,
  cap: number,
): Page<T> {
  checkCount('first', args.first, cap);
  checkCount('last', args.last, cap);

  // An empty cursor is no cursor of this server, not the absence of one.
  let start = isGiven(args.after) ? position(items, args.after) + 1 : 0;
  let end = isGiven(args.before) ? position(items, args.before) : items.length;
  end = Math.max(start, end);

  if (args.first !== null && args.first !== undefined) {
    end = Math.min(end, start + args.first);
  }

  if (args.last !== null && args.last !== undefined) {
    start = Math.max(start, end - args.last);
  }

  if ((args.first ?? null) === null && (args.last ?? null) === null) {
    end = Math.min(end, start + cap);
  }

  const edges = items.slice(start, end).map((node) => new Edge(node));

  return {
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}

// A page of at least this many snapshots is a large answer: its nodes and their JSON take
// the main thread for milliseconds.
const LARGE_PAGE = 200;

/**
 * `page`, once the operation may build a large answer (Context.takeTurn): at most one is built
 * per turn of the event loop, so that two whole trees asked at once do not hold up every
 * timer and socket for both. A small page goes at once.
 */
export async function inTurn<T extends { name: string }>(
  page: Page<T>,
  takeTurn: () => Promise<void>,
): Promise<Page<T>> {
  if (page.edges.length >= LARGE_PAGE) {
    await takeTurn();
  }

  return page;
}
