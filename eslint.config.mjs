// Lint rules: typed rules where they catch real bugs (floating promises), and the house's rules:
// src/core never imports vscode; a module is entered only through its index.ts; the product (the core,
// the editor adapter, the CLI other than `lc sandbox`) never imports the sandbox, a stand-in for other
// people's services.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const deepImport = (up) => ({
  regex: `^${up}core/[^/]+/.+`,
  message: "Import another module through its index.ts (e.g. '../core/http'), not a file inside it.",
});
const sandboxImport = (up) => ({
  regex: `^${up}sandbox(/.*)?$`,
  message: 'The product never imports the sandbox: it is a stand-in for other services (only `lc sandbox` starts it).',
});
const restrict = (files, patterns, paths = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const mcpDeepImport = {
  regex: '^(\\.\\./)+mcp/.+',
  message: "Enter the MCP module through its index.ts ('../../mcp').",
};
const noVscode = [{ name: 'vscode', message: 'src/core must stay free of vscode: put editor code in src/vscode.' }];

export default tseslint.config(
  // src/cli/keytar is a plain CommonJS package (keytar's API over @napi-rs/keyring), not TypeScript.
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/editor/**', '**/*.mjs', '.vscode-test/**', 'src/cli/keytar/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  // Inside src/core/<module>/, `../<other>/<file>` is a deep import and `../../sandbox` the stand-in.
  restrict(
    ['src/core/**/*.ts'],
    [
      {
        regex: '^\\.\\./[^./][^/]*/.+',
        message: "Import another module through its index.ts ('../http'), not a file inside it.",
      },
      sandboxImport('(\\.\\./)+'),
    ],
    noVscode,
  ),
  restrict(['src/vscode/**/*.ts'], [deepImport('\\.\\./'), sandboxImport('\\.\\./')]),
  restrict(['src/extension.ts'], [deepImport('\\./'), sandboxImport('\\./')]),
  restrict(['src/cli/**/*.ts'], [deepImport('(\\.\\./)+'), sandboxImport('(\\.\\./)+'), mcpDeepImport]),
  // The MCP server stands on the core alone: no editor, no CLI, no sandbox, and the core through its doors.
  restrict(
    ['src/mcp/**/*.ts'],
    [deepImport('\\.\\./'), sandboxImport('\\.\\./'), { regex: '^\\.\\./(cli|vscode)(/.*)?$', message: 'src/mcp imports src/core only.' }],
    [{ name: 'vscode', message: 'src/mcp imports src/core only.' }],
  ),
  // `lc sandbox` is the one verb that starts the stand-in.
  restrict(
    ['src/cli/commands/sandbox.ts'],
    [deepImport('(\\.\\./)+'), { regex: '^(\\.\\./)+sandbox/.+', message: 'Import the sandbox through its index.ts.' }],
  ),
  restrict(['src/sandbox/**/*.ts', 'bench/**/*.ts'], [deepImport('(\\.\\./)+')]),
  // The Functions worker imports the core through each module's index.ts, and never the sandbox.
  restrict(['functions/src/**/*.ts'], [deepImport('(\\.\\./)+src/'), sandboxImport('(\\.\\./)+src/')]),
  // The dashboard webview runs in the browser: types from the core only, no editor or Node APIs, and no markup
  // built from strings (everything from the practice is written with textContent).
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the extension by postMessage only.' }],
          patterns: [
            { regex: '^node:', message: 'The webview runs in the browser.' },
            { regex: '^(\\.\\./)+core/(?!dashboard$)', message: 'The webview takes only the dashboard’s types from the core.' },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Write text with textContent.' },
        { property: 'outerHTML', message: 'Write text with textContent.' },
        { property: 'insertAdjacentHTML', message: 'Build elements with createElement.' },
      ],
    },
  },
  // Time is injected: the product reads it from a Clock (src/core/clock), never from Date directly.
  {
    files: ['src/core/**/*.ts', 'src/vscode/**/*.ts', 'src/cli/**/*.ts', 'src/extension.ts', 'functions/src/**/*.ts'],
    ignores: ['src/core/clock/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Read the time from an injected Clock (src/core/clock), not new Date().',
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Read the time from an injected Clock (src/core/clock), not Date.now().',
        },
      ],
    },
  },
);
