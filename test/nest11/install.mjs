#!/usr/bin/env node
/**
 * Installs Nest 11 beside the project's Nest 12, in test/nest11/node_modules, from
 * test/nest11/package-lock.json (`npm ci`). Runs before `npm test` (pretest) and in CI; does
 * nothing when that lockfile is already installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));
const lockfile = `${folder}package-lock.json`;
const stamp = `${folder}node_modules/.installed-package-lock.json`;

const wanted = readFileSync(lockfile, 'utf8');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) process.exit(0);

console.log('Installing Nest 11 beside Nest 12 (test/nest11, npm ci) ...');
execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: folder, stdio: 'inherit', shell: process.platform === 'win32' });
writeFileSync(stamp, wanted);
