// Jest projects by level. `npm test` (deploy/test.sh) runs all three; each has its own script:
//   unit       npm run test:unit       **/test/unit/**: pure logic, no server; needs no stack and no globalSetup
//   component  npm run test:component  every other test of packages/* and services/* against the real stack
//   e2e        npm run test:e2e        packages/e2e: the whole cluster, driven through the gateway's public API
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  moduleNameMapper: { '^@oms/([a-z-]+)$': '<rootDir>/packages/$1/src' },
};
// The stack (RabbitMQ, Redis, FerretDB) must be up: fail at once if it is not.
// It names the run, whose spare vhosts the teardown removes (packages/testing/src/vhosts.ts).
const stack = { globalSetup: '<rootDir>/deploy/jest-global-setup.js', globalTeardown: '<rootDir>/deploy/jest-global-teardown.js' };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/packages', '<rootDir>/services'],
      testMatch: ['**/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      ...stack,
      displayName: 'component',
      roots: ['<rootDir>/packages', '<rootDir>/services'],
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/unit/', '<rootDir>/packages/e2e/'],
    },
    {
      ...common,
      ...stack,
      displayName: 'e2e',
      roots: ['<rootDir>/packages/e2e'],
      testMatch: ['**/test/**/*.test.ts'],
    },
  ],
};
