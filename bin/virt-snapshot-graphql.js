#!/usr/bin/env node
// The command. Runs the JavaScript that `npm run build` compiles into dist/ (scripts/start
// builds it first) when it is newer than every source file; otherwise the TypeScript sources
// through tsx, which costs each of the server's threads its own compiler: about 160 MiB more
// resident memory, and a second more to start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// graphql-js checks every type it meets twice over outside production: a tree of thousands
// of snapshots answers about a third faster without. NODE_ENV=development turns it back on.
process.env.NODE_ENV ??= 'production';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'main.js');

function newestChange(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }

  return newest;
}

if (existsSync(built) && statSync(built).mtimeMs >= newestChange(join(root, 'src'))) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
