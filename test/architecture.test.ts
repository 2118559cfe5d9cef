/**
 * The map in ARCHITECTURE.md holds for the code: every relative import of lib/ stays in its folder or goes to a folder
 * listed below it, and every folder of lib/ is on the map.
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');
const map = fs.readFileSync(path.join(__dirname, '..', 'ARCHITECTURE.md'), 'utf8');
const ORDER = [...map.matchAll(/^\| \[`lib\/([a-z-]+)`\]/gm)].map(m => m[1]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'preflight-probe' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}
const folderOf = (file: string) => path.relative(LIB, file).split(path.sep)[0];

test('every folder of lib/ is on the map, top to bottom', () => {
  const folders = fs.readdirSync(LIB, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name).sort();
  expect([...ORDER].sort()).toEqual(folders);
});

test('imports run down the map: none goes to a folder above, none leaves lib/', () => {
  const upward: string[] = [];
  for (const file of sources(LIB)) {
    const from = folderOf(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'(\.[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const rel = path.relative(LIB, target);
      if (rel.startsWith('..')) upward.push(`${path.relative(LIB, file)} -> ${m[1]} (outside lib/)`);
      if (from.endsWith('.ts')) continue; // lib/index.ts re-exports everything
      const to = rel.split(path.sep)[0];
      if (to !== from && ORDER.indexOf(to) < ORDER.indexOf(from)) upward.push(`${path.relative(LIB, file)} -> ${rel}`);
    }
  }
  expect(upward).toEqual([]);
});

test('lib/capabilities depends on the IPrivateEksCluster interface, never on lib/cluster', () => {
  const files = sources(path.join(LIB, 'capabilities'));
  expect(files.length).toBeGreaterThan(0);
  const imports = files.flatMap(f => [...fs.readFileSync(f, 'utf8').matchAll(/(?:from|import)\s+'(\.[^']+)'/g)]
    .map(m => path.relative(LIB, path.resolve(path.dirname(f), m[1]))));
  expect(imports.filter(i => i.startsWith('cluster'))).toEqual([]);
  expect(imports.filter(i => i.startsWith('components'))).toEqual(['components/private-cluster']);
});
