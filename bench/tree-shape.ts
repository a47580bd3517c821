// The shape of a benchmark's snapshot tree: what a long-lived domain accumulates. Mostly one
// long chain (each snapshot taken after the last), with a branch every 10 to 30 snapshots,
// where someone reverted to an earlier snapshot and went on from there; now and then work
// returns to the main line. The same size always gives the same tree.

/** One snapshot of a planned tree, in the order it is to be created (parents first). */
export interface PlannedSnapshot {
  name: string;
  parent: string | null;
  /** Seconds since the epoch; later than the parent's. */
  creationTime: number;
  /** Empty for about a third of the snapshots, as people often leave it out. */
  description: string;
}

/** A planned tree: its snapshots, parents first, and the one that is current. */
export interface TreePlan {
  snapshots: PlannedSnapshot[];
  current: string;
  /** How many snapshots have more than one child. */
  branchPoints: number;
  /** The longest path from a root to a leaf, in snapshots. */
  depth: number;
}

const PURPOSES = [
  'base',
  'before-update',
  'after-update',
  'pre-deploy',
  'nightly',
  'kernel-test',
  'config-change',
  'release',
  'hotfix',
  'experiment',
] as const;

const DESCRIPTIONS = [
  'Before applying the monthly package updates',
  'Clean state after the last deployment',
  'Nightly snapshot, kept for a week',
  'Trying a new kernel; revert if it does not boot',
  'Configuration change for the staging environment',
  'Release candidate, as tested by QA',
] as const;

// 2022-01-01T00:00:00Z: the first snapshot of every planned tree.
const FIRST_CREATION = 1_640_995_200;

/** A small deterministic generator (mulberry32): the same seed gives the same numbers. */
function random(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);

    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Plans a tree of `size` snapshots; the last one created is current. */
export function planTree(size: number): TreePlan {
  const next = random(size * 2_654_435_761);
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  const snapshots: PlannedSnapshot[] = [];
  const depths = new Map<string | null, number>([[null, 0]]);
  const childCounts = new Map<string, number>();
  let parent: string | null = null;
  let mainTip: string | null = null;
  let onBranch = false;
  let untilBranch = between(10, 30);
  let creationTime = FIRST_CREATION;

  for (let index = 0; index < size; index++) {
    untilBranch -= 1;
    if (untilBranch === 0 && snapshots.length > 0) {
      untilBranch = between(10, 30);
      if (onBranch && next() < 0.5) {
        parent = mainTip;
        onBranch = false;
      } else {
        // Someone reverted to a recent snapshot (of the last few hundred) and went on.
        const from = Math.max(0, snapshots.length - 300);
        parent = (snapshots[between(from, snapshots.length - 1)] as PlannedSnapshot).name;
        onBranch = true;
      }
    }

    const purpose = PURPOSES[between(0, PURPOSES.length - 1)] as string;
    const name = `${purpose}-${String(index + 1).padStart(5, '0')}`;
    creationTime += between(600, 12 * 3600);
    const description = next() < 0.33 ? '' : (DESCRIPTIONS[between(0, 5)] as string);
    snapshots.push({ name, parent, creationTime, description });
    depths.set(name, (depths.get(parent) ?? 0) + 1);
    if (parent !== null) {
      childCounts.set(parent, (childCounts.get(parent) ?? 0) + 1);
    }

    parent = name;
    if (!onBranch) {
      mainTip = name;
    }
  }

  const last = snapshots.at(-1);
  if (last === undefined) {
    throw new Error('a planned tree needs at least one snapshot');
  }

  return {
    snapshots,
    current: last.name,
    branchPoints: [...childCounts.values()].filter((count) => count > 1).length,
    depth: Math.max(...depths.values()),
  };
}
