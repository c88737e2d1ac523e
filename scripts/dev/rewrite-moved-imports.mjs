#!/usr/bin/env node
// After merging a branch written before the structure moves (issue 9), rewrites its relative imports of moved
// files to their new homes: `node scripts/dev/rewrite-moved-imports.mjs` (then npm run typecheck). Only imports
// whose target no longer exists and whose old path is listed below are touched; it prints each rewritten file.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const MOVED = {
  'src/events/risk-event.ts': 'src/domain/risk-event.ts',
  'src/signals/signal-result.ts': 'src/domain/signal-result.ts',
  'src/decisions/decision.ts': 'src/domain/decision.ts',
  'src/common/error-codes.ts': 'src/domain/error-codes.ts',
  'src/common/deterministic-failure.ts': 'src/domain/deterministic-failure.ts',
  'src/events/event-contracts.dto.ts': 'src/contract/event-contracts.dto.ts',
  'src/events/event-validation.ts': 'src/contract/event-validation.ts',
  'src/events/json-depth.ts': 'src/contract/json-depth.ts',
  'src/signals/mask-phone-number.ts': 'src/common/mask-phone-number.ts',
  'src/decisions/decision-publisher.ts': 'src/events/decision-publisher.ts',
  'src/common/logging.module.ts': 'src/logging/logging.module.ts',
  'src/common/redis-client.ts': 'src/redis/redis-client.ts',
  'src/api/api-keys.ts': 'src/credentials/api-keys.ts',
  'src/api/api-key-sources.ts': 'src/credentials/api-key-sources.ts',
  'src/api/callback-signature.ts': 'src/credentials/callback-signature.ts',
  'src/scoring/scoring-fixtures.ts': 'test/fixtures/scoring-fixtures.ts',
  'src/signals/upstream-stub.testing.ts': 'test/doubles/upstream-stub.ts',
};

const root = resolve(process.argv[2] ?? '.');
const moved = new Map(Object.entries(MOVED).map(([from, to]) => [join(root, from), join(root, to)]));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

for (const folder of ['src', 'test', 'tools']) {
  for (const file of walk(join(root, folder))) {
    const text = readFileSync(file, 'utf8');
    const out = text.replace(/(from\s+|import\(|import\s+)(['"])(\.{1,2}\/[^'"]+)\2/g, (match, before, quote, spec) => {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      const now = moved.get(target);
      if (now === undefined || existsSync(target)) return match;
      const path = relative(dirname(file), now).replace(/\.ts$/, '.js');
      return `${before}${quote}${path.startsWith('.') ? path : `./${path}`}${quote}`;
    });
    if (out !== text) {
      writeFileSync(file, out);
      console.log(`rewrote ${relative(root, file)}`);
    }
  }
}
