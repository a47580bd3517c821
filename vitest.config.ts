import { defineConfig } from 'vitest/config';

// Three groups that run one after the other: everything else first, then the memory soak on
// its own, so that no other test file's load moves the memory it measures, and last the files
// that stop libvirtd, which every other libvirtd test needs running.
export default defineConfig({
  resolve: {
    // graphql 16 has no exports map: Node resolves 'graphql' to its CommonJS build for every
    // module (Pothos and Yoga included), but Vite would give the files it transforms (src/,
    // test/) the ESM build, a second graphql whose GraphQLError and types the first rejects.
    // One build, as under Node.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files that drive libvirtd share one daemon; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/ffi/memory.test.ts', 'test/events/libvirtd-restart.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'soak',
          include: ['test/ffi/memory.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'disruptive',
          include: ['test/events/libvirtd-restart.test.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
