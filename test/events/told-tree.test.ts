import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToldTree } from '../../src/events/told-tree.ts';
import { diffTrees } from '../../src/events/tree-diff.ts';
import { SnapshotTree } from '../../src/hosts/snapshot-tree.ts';
import { parseSnapshotXml, type SnapshotDocument } from '../../src/hosts/snapshot-xml.ts';

/**
 * The tree replicas share as the one last told (ToldTree) must give the same events as the
 * tree itself: a replica that compares libvirt with it tells what one process would have.
 */

function document(name: string, parent: string | null, description = ''): SnapshotDocument {
  const parentXml = parent === null ? '' : `<parent><name>${parent}</name></parent>`;

  return parseSnapshotXml(
    `<domainsnapshot><name>${name}</name>${parentXml}` +
      `<description>${description}</description><creationTime>1</creationTime></domainsnapshot>`,
  );
}

// The told form as another replica reads it: through Redis, as text.
function told(tree: SnapshotTree): ToldTree {
  const parsed = ToldTree.parse(ToldTree.of(tree).serialize());
  if (parsed === null) {
    throw new Error('the told tree did not read back');
  }

  return parsed;
}

describe('ToldTree', () => {
  const r = document('r', null);
  const a = document('a', 'r');
  const b = document('b', 'a');
  const before = new SnapshotTree([r, a, b], 'b');

  it('reads back what it wrote', () => {
    const back = told(before);
    expect(back.topologicalNames()).toEqual(['r', 'a', 'b']);
    expect(back.current).toBe('b');
    expect(back.parentOf('b')).toBe('a');
    expect(back.parentOf('r')).toBeNull();
    expect(back.keeps('a', before)).toBe(true);
  });

  it('is not a tree when the text is not one', () => {
    expect(ToldTree.parse('not json')).toBeNull();
    expect(ToldTree.parse('{"current":null}')).toBeNull();
  });

  it('gives the events the tree gives, for each kind of change', () => {
    const afters = [
      // Nothing changed.
      new SnapshotTree([r, a, b], 'b'),
      // A create.
      new SnapshotTree([r, a, b, document('n', 'b')], 'n'),
      // A delete that moves the child up.
      new SnapshotTree([r, document('b', 'r')], 'b'),
      // A redefinition that keeps the name.
      new SnapshotTree([r, document('a', 'r', 'new words'), b], 'b'),
      // A revert made elsewhere.
      new SnapshotTree([r, a, b], 'a'),
      // Everything gone.
      new SnapshotTree([], null),
    ];
    for (const after of afters) {
      const cause = { kind: 'external' } as const;
      expect(diffTrees(told(before), after, cause)).toEqual(diffTrees(before, after, cause));
    }
  });

  it('gives the events the tree gives, for any tree and any change of it', () => {
    const change = fc.record({
      parents: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
      deleted: fc.array(fc.boolean(), { maxLength: 30 }),
      redefined: fc.array(fc.boolean(), { maxLength: 30 }),
      created: fc.nat(5),
      current: fc.nat(),
    });
    fc.assert(
      fc.property(change, ({ parents, deleted, redefined, created, current }) => {
        // Snapshot i's parent is one made before it, or none.
        const names = parents.map((_, index) => `s${index}`);
        const parentOf = (index: number) =>
          index === 0 ? null : (names[(parents[index] as number) % index] as string);
        const documents = names.map((name, index) => document(name, parentOf(index)));
        const tree = new SnapshotTree(documents, names[current % names.length] as string);

        const kept = documents.filter((_, index) => !deleted[index]);
        const next = kept.map((doc, index) =>
          redefined[index] ? document(doc.name, doc.parent, 'redefined') : doc,
        );
        for (let index = 0; index < created; index++) {
          next.push(document(`n${index}`, next[0]?.name ?? null));
        }

        const after = new SnapshotTree(next, next[current % (next.length || 1)]?.name ?? null);
        const cause = { kind: 'external' } as const;
        expect(diffTrees(told(tree), after, cause)).toEqual(diffTrees(tree, after, cause));
      }),
    );
  });
});
