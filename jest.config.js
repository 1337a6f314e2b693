/** One jest run for the whole monorepo: tests import workspace packages from source. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  moduleNameMapper: {
    '^@oms/([a-z-]+)$': '<rootDir>/packages/$1/src',
  },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.js',
};
