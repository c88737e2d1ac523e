import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package version, read once; the same from src/ (jest) and dist/src/ (built). */
export const BUILD_VERSION: string = (() => {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(up, import.meta.url)), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'riskwire' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
})();
