/** @type {import('jest').Config} */
module.exports = {
  displayName: 'slack-sandbox',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // The tests run real servers on loopback; give them room on a 2-core CI box.
  testTimeout: 30000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
