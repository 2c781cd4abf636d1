// Checks `npm run lint` adds to ESLint: no merge-conflict debris in any tracked file, no import cycle among src/ modules.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootAt = process.argv.indexOf('--root');
const root = rootAt >= 0 ? resolve(process.argv[rootAt + 1] ?? '.') : resolve(dirname(fileURLToPath(import.meta.url)), '..');

let files;
try {
  files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
} catch (error) {
  console.error(`check-tree: git ls-files failed in ${root}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(2);
}

const problems = [];
for (const file of files) {
  const path = join(root, file);
  if (!existsSync(path) || statSync(path).size > 5 * 2 ** 20) continue;
  const bytes = readFileSync(path);
  // Binary files (a NUL in the first 8 KB) hold no text to check.
  if (bytes.subarray(0, 8192).includes(0)) continue;
  const lines = bytes.toString('utf8').split('\n');
  const opened = lines.some((line) => line.startsWith('<<<<<<< '));
  lines.forEach((line, i) => {
    // A lone ======= is a markdown heading underline unless the file also holds an opening marker.
    if (line.startsWith('<<<<<<< ') || line.startsWith('>>>>>>> ') || (opened && line === '=======')) problems.push(`${file}:${i + 1}: merge-conflict marker`);
  });
}

// The import graph of src/: relative specifiers, `import type` and re-exports included, since a type cycle is a design cycle too.
const modules = files.filter((f) => f.startsWith('src/') && f.endsWith('.ts') && !f.includes('/generated/'));
const known = new Set(modules);
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const edges = new Map();
for (const module of modules) {
  const text = readFileSync(join(root, module), 'utf8');
  const targets = new Set();
  for (const match of text.matchAll(SPECIFIER)) {
    const target = relative(root, resolve(root, dirname(module), (match[1] ?? match[2]).replace(/\.js$/, '.ts')));
    if (known.has(target)) targets.add(target);
  }
  edges.set(module, [...targets]);
}

// Tarjan's strongly connected components: every component of more than one module (or a self-import) is a cycle.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(v) {
  indexOf.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!indexOf.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
  }
  if (low.get(v) !== indexOf.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component.reverse());
}
for (const module of modules) if (!indexOf.has(module)) connect(module);
for (const cycle of cycles) problems.push(`import cycle: ${[...cycle, cycle[0]].join(' -> ')}`);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`check-tree: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-tree: 0 conflict markers in ${files.length} files, 0 import cycles in ${modules.length} modules`);
