/** Jest runs the compiled tests (tsc → dist/) in ESM mode: @kubernetes/client-node 2.x is ESM-only. */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  globalSetup: '<rootDir>/dist/test/support/global-setup.js',
  testTimeout: 180000,
  maxWorkers: 1,
  verbose: true,
};
