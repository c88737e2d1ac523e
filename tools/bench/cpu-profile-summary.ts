/**
 * Summarises a V8 .cpuprofile (from `RISKWIRE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=.bench/profiles" npm run bench`):
 * the functions with the most self time, and the source files and packages they belong to.
 *   node dist/tools/bench/cpu-profile-summary.js .bench/profiles/CPU....cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  topFunctions: { name: string; where: string; selfMs: number; share: number }[];
  byArea: { area: string; selfMs: number; share: number }[];
}

/** node_modules/<pkg>, src/<folder>, node:internal, or (gc)/(program)/(idle). */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(src\/[^/]+|tools\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node:internal';
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const area = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const a = areaOf(url, functionName);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const busy = Math.max(1, total - idle);
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    topFunctions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), share: Math.round((f.us / busy) * 1000) / 10 })),
    byArea: [...area]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([a, us]) => ({ area: a, selfMs: Math.round(us / 1000), share: Math.round((us / busy) * 1000) / 10 })),
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/tools/bench/cpu-profile-summary.js FILE.cpuprofile [top]\n');
    process.exit(2);
  }
  const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(topArg ?? 25));
  process.stdout.write(`profile: ${summary.totalMs} ms sampled, ${summary.idleMs} ms idle\n\nself time by area (share of busy time):\n`);
  for (const a of summary.byArea)
    process.stdout.write(`  ${String(a.share).padStart(5)} %  ${String(a.selfMs).padStart(7)} ms  ${a.area}\n`);
  process.stdout.write('\ntop functions by self time:\n');
  for (const f of summary.topFunctions)
    process.stdout.write(`  ${String(f.share).padStart(5)} %  ${String(f.selfMs).padStart(7)} ms  ${f.name}  ${f.where}\n`);
}
