import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Every ```ts block of README.md and docs/*.md is a complete module that compiles under the
 * tsconfig the Nest 11 generator writes (CommonJS app, nodenext, isolatedModules with
 * emitDecoratorMetadata: types in decorated signatures need `import type`), with the package
 * mapped to the sources. A block opts out with a first line `// not compiled: <reason>`.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TESTING_KIT = join(ROOT, 'lib/testing/index.ts');
const OPT_OUT = /^\/\/ not compiled: (.*)$/;

interface Snippet {
  page: string;
  line: number; // line of the block's first code line in the page
  code: string;
  optOut?: string;
}

/** The generator's compiler options, plus the package mapped onto lib/. */
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  resolvePackageJsonExports: true,
  esModuleInterop: true,
  isolatedModules: true,
  declaration: true,
  removeComments: true,
  emitDecoratorMetadata: true,
  experimentalDecorators: true,
  allowSyntheticDefaultImports: true,
  target: ts.ScriptTarget.ES2023,
  skipLibCheck: true,
  strictNullChecks: true,
  forceConsistentCasingInFileNames: true,
  noImplicitAny: false,
  strictBindCallApply: false,
  noFallthroughCasesInSwitch: false,
  noEmit: true,
  types: ['node', 'jest'],
  paths: {
    'nestjs-jwt-session': [join(ROOT, 'lib/index.ts')],
    'nestjs-jwt-session/testing': [TESTING_KIT],
  },
};

function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** The ```ts blocks of one page (fences may be indented, inside list items). */
function snippetsOf(page: string): Snippet[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[index]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) body.push(lines[end++]!.slice(indent));
    const optOut = OPT_OUT.exec(body[0] ?? '')?.[1];
    snippets.push({ page, line: index + 2, code: body.join('\n') + '\n', ...(optOut !== undefined && { optOut }) });
    index = end;
  }
  return snippets;
}

const ALL = pages().flatMap(snippetsOf);
const usesTestingKit = (snippet: Snippet) => snippet.code.includes("'nestjs-jwt-session/testing'");
const waitingForKit = (snippet: Snippet) => usesTestingKit(snippet) && !existsSync(TESTING_KIT);
const compiled = ALL.filter((snippet) => snippet.optOut === undefined && !waitingForKit(snippet));

describe('documentation snippets', () => {
  it('finds the snippets of README.md and of the docs pages that have code', () => {
    expect(ALL.filter((snippet) => snippet.page === 'README.md').length).toBeGreaterThanOrEqual(5);
    const withCode = new Set(ALL.map((snippet) => snippet.page));
    for (const page of ['docs/options.md', 'docs/decorators.md', 'docs/providers.md', 'docs/sessions.md', 'docs/transports.md', 'docs/testing.md']) {
      expect({ page, found: withCode.has(page) }).toEqual({ page, found: true });
    }
  });

  it('opts a block out only with a reason, and rarely', () => {
    const optedOut = ALL.filter((snippet) => snippet.optOut !== undefined);
    for (const snippet of optedOut) expect({ at: `${snippet.page}:${snippet.line}`, reason: snippet.optOut!.trim().length > 10 }).toEqual({ at: `${snippet.page}:${snippet.line}`, reason: true });
    expect(optedOut.length).toBeLessThanOrEqual(Math.ceil(ALL.length / 5));
  });

  it('shows the import lines of what it uses from the package', () => {
    const missing = compiled
      .filter((snippet) => /\b(SessionModule|SessionService|TestIssuer)\b/.test(snippet.code) && !/^import /m.test(snippet.code))
      .map((snippet) => `${snippet.page}:${snippet.line}`);
    expect(missing).toEqual([]);
  });

  it('compiles every block as its own module under the Nest 11 generator tsconfig', () => {
    const dir = mkdtempSync(join(ROOT, '.docs-snippets-'));
    try {
      // A Nest 11 generated app is CommonJS: no "type": "module" in its package.json.
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-snippets', private: true }));
      mkdirSync(join(dir, 'src'));
      const files = new Map<string, Snippet>();
      compiled.forEach((snippet, index) => {
        const file = join(dir, 'src', `${snippet.page.replace(/[/.]/g, '_')}_${snippet.line}_${index}.ts`);
        writeFileSync(file, snippet.code);
        files.set(file, snippet);
      });
      const program = ts.createProgram([...files.keys()], OPTIONS);
      // lib/ itself is type-checked by the project's tsconfig; an app sees only its declarations.
      const failures = ts
        .getPreEmitDiagnostics(program)
        .filter((diagnostic) => diagnostic.file === undefined || files.has(diagnostic.file.fileName))
        .map((diagnostic) => {
          const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
          const snippet = diagnostic.file && files.get(diagnostic.file.fileName);
          if (!snippet || diagnostic.start === undefined) return `(global): TS${diagnostic.code} ${message}`;
          const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
          return `${snippet.page}:${snippet.line + line}: TS${diagnostic.code} ${message}`;
        });
      expect(files.size).toBeGreaterThanOrEqual(20);
      expect(failures).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks the testing kit snippets once lib/testing/index.ts exists', () => {
    const kitSnippets = ALL.filter(usesTestingKit);
    expect(kitSnippets.length).toBeGreaterThan(0);
    if (existsSync(TESTING_KIT)) expect(kitSnippets.filter(waitingForKit)).toEqual([]);
  });
});
