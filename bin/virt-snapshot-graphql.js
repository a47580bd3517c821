#!/usr/bin/env node
// The command: loads the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

// graphql-js checks every type it meets twice over outside production: a tree of thousands
// of snapshots answers about a third faster without. NODE_ENV=development turns it back on.
process.env.NODE_ENV ??= 'production';

register();
await import('../src/main.ts');
