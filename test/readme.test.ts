import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// README snippets are documentation users copy: they must compile against the library as it is.
test('every TypeScript snippet in the README type-checks against the library', () => {
  // GIVEN the ```ts blocks of the README, with the package name pointing at lib/
  const root = path.join(__dirname, '..');
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
  expect(snippets.length).toBeGreaterThan(0);
  const files = snippets.map((code, i) => {
    const file = path.join(root, 'test', `.readme-snippet-${i}.ts`);
    fs.writeFileSync(file, code.replace(/from 'cdk-private-eks'/g, "from '../lib'"));
    return file;
  });

  try {
    // WHEN the compiler checks them with the project's settings
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program)
      .map(d => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);

    // THEN there is no error
    expect(diagnostics).toEqual([]);
  } finally {
    files.forEach(f => fs.rmSync(f, { force: true }));
  }
});
