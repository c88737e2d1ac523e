// The registry mirror this project's machines reach serves only the packages for their own platform
// (linux x64): optional native builds for other platforms (@swc/core-darwin-*, resolver bindings for
// win32, ...) answer 404, so npm cannot record them, and `npm ci` then rejects the lock file as out of
// sync. This drops, from each locked package's optionalDependencies, the names the lock has no entry
// for. Run after `npm install` changes dependencies: node scripts/ci/prune-lock-optionals.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, '')));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      pruned += 1;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`pruned ${pruned} optional dependencies the registry does not serve`);
