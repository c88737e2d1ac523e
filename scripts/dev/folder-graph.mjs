#!/usr/bin/env node
// Prints the folder-level import graph of src/ (and src -> test reaches): one line per edge
// "from -> to (files)", then any folder-level loop. Static imports only; eslint.config.js enforces the layers,
// this the absence of loops: with --check (npm run lint) it prints only the loops and fails when there is one.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? '.');
const includeSpecs = process.argv.includes('--specs');
const check = process.argv.includes('--check');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

function folderOf(path) {
  const parts = relative(root, path).split('/');
  if (parts[0] !== 'src') return parts[0];
  return parts.length > 2 ? `src/${parts[1]}` : 'src';
}

const edges = new Map();
for (const file of walk(join(root, 'src'))) {
  if (!includeSpecs && file.endsWith('.spec.ts')) continue;
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
    const spec = match[1] ?? match[2];
    if (!spec.startsWith('.')) {
      if (spec === 'kafkajs') add(folderOf(file), 'kafkajs', file);
      continue;
    }
    add(folderOf(file), folderOf(resolve(dirname(file), spec)), file);
  }
}

function add(from, to, file) {
  if (from === to) return;
  const key = `${from} -> ${to}`;
  if (!edges.has(key)) edges.set(key, new Set());
  edges.get(key).add(relative(root, file));
}

if (!check) for (const key of [...edges.keys()].sort()) console.log(`${key} (${edges.get(key).size})`);

// Folder-level loops: strongly connected groups of more than one folder (Tarjan).
const graph = new Map();
for (const key of edges.keys()) {
  const [from, to] = key.split(' -> ');
  if (!graph.has(from)) graph.set(from, []);
  graph.get(from).push(to);
}
let index = 0;
const indices = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const loops = [];
function connect(v) {
  indices.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!indices.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
  }
  if (low.get(v) === indices.get(v)) {
    const group = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) loops.push(group.sort());
  }
}
for (const v of graph.keys()) if (!indices.has(v)) connect(v);
if (loops.length > 0) {
  console.error(
    loops.map((g) => `folder loop: ${g.join(' <-> ')} (run node scripts/dev/folder-graph.mjs . --specs for the edges)`).join('\n'),
  );
  if (check) process.exit(1);
} else if (!check) console.log('folder loops: none');
