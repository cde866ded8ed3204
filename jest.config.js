// ESM project: swc transpiles TypeScript (with Nest's legacy decorators and metadata) and the mapper strips the
// `.js` suffix that NodeNext resolution requires in relative imports.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
    // The web UI's components (web/test/*.spec.tsx run in jsdom, chosen per file by a docblock).
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '\\.css$': '<rootDir>/web/test/style-stub.js' },
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/web/test/**/*.spec.tsx'],
  globalSetup: '<rootDir>/test/utils/global-setup.ts',
  globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
  testTimeout: 180_000,
};
