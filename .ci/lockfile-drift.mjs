#!/usr/bin/env node
/**
 * Fails when `npm install` changed what the committed lockfile locks: a package that is not optional
 * appeared, vanished or changed version (or source), or the root entry changed. Optional entries that
 * appear or vanish are other platforms' native bindings (@unrs/resolver-binding-* and the like):
 * which of them npm writes depends on the npm version and machine, so they are no drift.
 *
 *   node .ci/lockfile-drift.mjs [path/to/package-lock.json]   (compares HEAD's copy with the file)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const committed = JSON.parse(execFileSync('git', ['show', `HEAD:./${file}`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
const installed = JSON.parse(readFileSync(file, 'utf8'));

const locked = (entry) => entry !== undefined && entry.optional !== true;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const identity = (entry) => ({ version: entry.version, resolved: entry.resolved, integrity: entry.integrity, link: entry.link });

const drift = [];
const before = committed.packages ?? {};
const after = installed.packages ?? {};
for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
  const [was, now] = [before[path], after[path]];
  if (path === '') {
    if (!same(was, now)) drift.push('the root entry (package.json and the lockfile disagree)');
  } else if (was && now) {
    if (!same(identity(was), identity(now))) drift.push(`${path}: ${was.version} -> ${now.version}`);
  } else if (locked(was)) {
    drift.push(`${path}: ${was.version} removed`);
  } else if (locked(now)) {
    drift.push(`${path}: ${now.version} added`);
  }
}

if (drift.length > 0) {
  console.error(`${file} is out of date: npm install changed\n  ${drift.join('\n  ')}\nRun npm install and commit ${file}.`);
  process.exit(1);
}
