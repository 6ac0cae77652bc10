import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import boundaries. Each folder's rule is one no-restricted-imports block below; ESLint does not
// merge options of the same rule across blocks (the last matching block wins), so every block
// restates the express ban that applies to all of src/ except src/http/** and src/app.ts.
const expressBan = {
  regex: '^express(/.*)?$',
  message: 'express may be imported only in src/http/** and src/app.ts.',
};

// The other layers report to the metrics through interfaces (DeliveryObserver, RequestMetrics),
// so only src/metrics knows the metrics library.
const promClientBan = {
  regex: '^prom-client(/.*)?$',
  message: 'prom-client may be imported only in src/metrics/**.',
};

// Regexes rather than gitignore-style groups: a group such as 'http' would also match '../http'.
const layerBan = (folders, message) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/.*)?$`,
  message,
});

/**
 * One folder's import boundary: the layers it may not import, and Express (repeated in every
 * block, since only the last block matching a file sets a rule's options).
 */
const layerBoundary = (folder, layers, role) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [expressBan, promClientBan, layerBan(layers, `${role}: it may not import ${layers.join(', ')}.`)] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'coverage/**', 'node_modules/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,

  // Type-aware linting: strict for the product and the bench, recommended for tests (below).
  {
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    rules: {
      // Numbers in messages and log lines are the common case and always format sensibly.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    rules: {
      // Tests parse JSON from the wire (stand-in request bodies, HTTP responses, spool rows) and assert
      // its shape with expect() (whose asymmetric matchers are `any` too): casts there would check nothing.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Sinks and test stand-ins implement Promise-returning interfaces over synchronous work (SQLite, client.destroy()); `async` is what turns their throws into rejections.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/logger.ts'],
    // winston types its Console transport as an interface extending TransportStream, so a real TransportStream subclass reads as "not created by its constructor".
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },

  // JS config files are not part of any tsconfig: no type information.
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.recommended, tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The dashboard's browser modules (no build step): the browser globals they use, names checked.
  {
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        // Node's, from the block above: not in a browser.
        require: 'off',
        module: 'off',
        process: 'off',
        __dirname: 'off',
      },
    },
    // typescript-eslint's recommended set turns it off (TypeScript checks names); nothing checks these files' names but this.
    rules: { 'no-undef': 'error' },
  },

  // ---- Import boundaries ----
  {
    files: ['src/**/*.ts'],
    ignores: ['src/http/**', 'src/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [expressBan, promClientBan] }] },
  },
  {
    files: ['src/mapping/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:)?(fs|http|net|worker_threads)(/.*)?$',
              message: 'src/mapping is pure: no IO (node:fs, node:http, node:net, node:worker_threads).',
            },
            {
              regex: '^(better-sqlite3|express|winston|prom-client)(/.*)?$',
              message: 'src/mapping is pure: no IO (better-sqlite3, express, winston, prom-client).',
            },
            {
              group: ['@aws-sdk/*'],
              allowTypeImports: true,
              message: 'src/mapping is pure: only type-only imports of AWS SDK packages (import type ...).',
            },
            layerBan(
              ['spool', 'sinks', 'forwarder', 'http', 'pipeline', 'composition', 'cli', 'local-store'],
              'src/mapping is pure: it may not import spool, sinks, forwarder, http, pipeline, composition, cli or local-store.',
            ),
          ],
        },
      ],
    },
  },
  layerBoundary('spool', ['pipeline', 'http', 'forwarder', 'sinks', 'composition', 'cli'], 'src/spool is storage'),
  layerBoundary('sinks', ['pipeline', 'http', 'spool', 'forwarder', 'composition', 'cli'], 'src/sinks deliver mapped events'),
  layerBoundary('forwarder', ['pipeline', 'http', 'composition', 'cli'], 'src/forwarder moves spool rows to sinks'),
  layerBoundary('pipeline', ['http', 'forwarder', 'composition', 'cli'], 'src/pipeline accepts requests'),
  layerBoundary(
    'kpis',
    ['pipeline', 'http', 'spool', 'forwarder', 'sinks', 'composition', 'cli', 'local-store'],
    'src/kpis defines the KPIs over the KpiQueries interface',
  ),
  layerBoundary('import', ['pipeline', 'http', 'spool', 'forwarder', 'sinks', 'composition', 'cli'], 'src/import reads history into the local store'),
  layerBoundary('recording', ['pipeline', 'http', 'spool', 'forwarder', 'sinks', 'composition', 'cli', 'local-store', 'kpis'], 'src/recording writes and reads recordings'),
  layerBoundary('replay', ['http', 'spool', 'forwarder', 'sinks', 'composition', 'cli', 'local-store', 'kpis'], 'src/replay sends recorded requests again'),
  layerBoundary(
    'access',
    ['http', 'spool', 'forwarder', 'sinks', 'composition', 'cli', 'local-store', 'kpis'],
    'src/access decides who may write (allowlist, rate limits, signatures)',
  ),
  layerBoundary('local-store', ['pipeline', 'http', 'spool', 'forwarder', 'sinks', 'composition', 'cli'], 'src/local-store is storage'),
  layerBoundary(
    'pinpoint-api',
    ['http', 'spool', 'forwarder', 'sinks', 'composition', 'cli', 'local-store', 'kpis', 'recording', 'replay', 'access'],
    'src/pinpoint-api is the PutEvents protocol (senders, checks, answers)',
  ),
  layerBoundary(
    'endpoint-profiles',
    ['pipeline', 'http', 'spool', 'forwarder', 'sinks', 'composition', 'cli', 'local-store', 'kpis', 'import', 'recording', 'replay', 'access', 'pinpoint-api'],
    'src/endpoint-profiles stores the profiles UpdateEndpoint sends',
  ),
  // The one home of prom-client, so its block restates the express ban without the prom-client one.
  {
    files: ['src/metrics/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [expressBan, layerBan(['pipeline', 'http', 'composition', 'cli'], 'src/metrics counts what the service does: it may not import pipeline, http, composition, cli.')] },
      ],
    },
  },
);
