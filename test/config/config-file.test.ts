import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.ts';

const directory = mkdtempSync(join(tmpdir(), 'vsg-config-'));
const OPERATOR = 'Jx7rN1pqL0aZ6sKc2DdY8g';
const VIEWER = '3q2uVx0vQm8J0cQb7W9XfA';

afterAll(() => rmSync(directory, { recursive: true, force: true }));

let written = 0;
function file(text: string, extension = 'yaml'): string {
  written += 1;
  const path = join(directory, `config-${written}.${extension}`);
  writeFileSync(path, text);

  return path;
}

const YAML = `# hosts, tokens and limits in one place
hosts:
  - name: local
    uri: qemu:///system
  - name: lab
    uri: qemu+ssh://root@lab.example/system
    readOnly: true
    keepAlive: { interval: 10, count: 5 }
  - uri: test:///default
    keepAlive: false
listen: 0.0.0.0
port: 8080
callThreads: 3
watchInterval: 2000
redisUrl: redis://file.example:6379
leaseTtl: 3000
tokens:
  - { role: operator, token: ${OPERATOR}, name: alice }
limits:
  maxPageSize: 500
  maxDepth: 9
corsOrigins: [https://dashboard.example]
`;

describe('a config file', () => {
  it('gives hosts with names, read-only and keep-alive, tokens, limits and settings', () => {
    const config = readConfig(['--config', file(YAML)], {});

    expect(config.hosts).toEqual([
      { name: 'local', uri: 'qemu:///system', readOnly: false },
      {
        name: 'lab',
        uri: 'qemu+ssh://root@lab.example/system',
        readOnly: true,
        keepAlive: { interval: 10, count: 5 },
      },
      { name: 'test:///default', uri: 'test:///default', readOnly: false, keepAlive: null },
    ]);
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      callThreads: 3,
      watchIntervalMs: 2000,
      redisUrl: 'redis://file.example:6379',
      leaseTtlMs: 3000,
      pageSizeCap: 500,
      maxDepth: 9,
      corsOrigins: ['https://dashboard.example'],
    });
    expect(config.tokens.map(({ role, name }) => ({ role, name }))).toEqual([
      { role: 'operator', name: 'alice' },
    ]);
  });

  it('reads the same settings as JSON', () => {
    const json = JSON.stringify({ hosts: [{ name: 'a', uri: 'test:///default' }], port: 4100 });
    const config = readConfig(['--config', file(json, 'json')], {});

    expect(config.hosts).toEqual([{ name: 'a', uri: 'test:///default', readOnly: false }]);
    expect(config.port).toBe(4100);
  });

  it('is overridden by flags, and by the environment where flags are silent', () => {
    const path = file(YAML);
    const flags = readConfig(
      ['--config', path, '--port', '9000', '--max-depth', '4', '-c', 'test:///default'],
      { HOST: '127.0.0.1' },
    );

    expect(flags.port).toBe(9000);
    expect(flags.maxDepth).toBe(4);
    expect(flags.pageSizeCap).toBe(500);
    expect(flags.host).toBe('127.0.0.1');
    // Hosts on the command line replace the file's.
    expect(flags.hosts).toEqual([
      { name: 'test:///default', uri: 'test:///default', readOnly: false },
    ]);
    expect(readConfig(['--config', path], { PORT: '7000' }).port).toBe(7000);
    // REDIS_URL over the file, --redis-url over both; without any, one process.
    const redis = { REDIS_URL: 'redis://env.example' };
    expect(readConfig(['--config', path], redis).redisUrl).toBe('redis://env.example');
    const flag = ['--config', path, '--redis-url', 'redis://flag.example'];
    expect(readConfig(flag, redis).redisUrl).toBe('redis://flag.example');
    expect(readConfig([], {}).redisUrl).toBeNull();
  });

  it('adds its tokens to those of VSG_TOKENS, each token once', () => {
    const path = file(YAML);
    const config = readConfig(['--config', path], { VSG_TOKENS: `viewer:${VIEWER}:wall` });

    expect(config.tokens.map((token) => token.name)).toEqual(['alice', 'wall']);
    expect(() => readConfig(['--config', path], { VSG_TOKENS: `viewer:${OPERATOR}` })).toThrow(
      /the same token/,
    );
  });

  it('finds a tokens file it names beside it', () => {
    writeFileSync(join(directory, 'tokens'), `viewer ${VIEWER} wall\n`);
    const config = readConfig(['--config', file('tokensFile: tokens\n')], {});

    expect(config.tokens.map((token) => token.name)).toEqual(['wall']);
  });

  it('still needs tokens to listen beyond loopback', () => {
    const path = file('listen: 0.0.0.0\n');

    expect(() => readConfig(['--config', path], {})).toThrow(/needs tokens/);
  });

  it.each([
    ['an unknown setting', 'hots: []\n', /unknown setting hots/],
    ['an unknown limit', 'limits: { maxDepht: 3 }\n', /unknown limit maxDepht/],
    ['a host without a URI', 'hosts: [{ name: a }]\n', /hosts\[0\]: uri must be/],
    [
      'two hosts of one name',
      'hosts: [{ name: a, uri: "test:///default" }, { name: a, uri: "qemu:///system" }]\n',
      /two hosts are called a/,
    ],
    [
      'a bad keep-alive',
      'hosts: [{ uri: "qemu:///system", keepAlive: { interval: 0, count: 1 } }]\n',
      /keepAlive must be false or/,
    ],
    ['a bad token role', `tokens: [{ role: admin, token: ${OPERATOR} }]\n`, /role must be/],
    ['a bad value', 'watchInterval: [1]\n', /watchInterval must be a number/],
    ['a setting out of range', 'watchInterval: 1\n', /--watch-interval must be/],
    ['YAML that does not parse', 'hosts: [\n', /not valid JSON or YAML/],
    ['a list at the top', '- a\n', /expected a mapping/],
  ])('refuses %s and names it', (_what, text, message) => {
    const path = file(text);

    expect(() => readConfig(['--config', path], {})).toThrow(ConfigError);
    expect(() => readConfig(['--config', path], {})).toThrow(message);
  });

  it('refuses a file it cannot read', () => {
    expect(() => readConfig(['--config', join(directory, 'none.yaml')], {})).toThrow(
      /cannot read --config/,
    );
  });
});
