const { join } = require('node:path');

/**
 * The product's tests and, as a second project, the Slack sandbox's own (the config that
 * `npm test -w packages/slack-sandbox` runs). testTimeout and maxWorkers are global in Jest, so
 * they are set here for both.
 */
const {
  maxWorkers: _sandboxWorkers,
  testTimeout: _sandboxTimeout,
  ...sandbox
} = require('./packages/slack-sandbox/jest.config');

/** @type {import('jest').Config} */
const product = {
  displayName: 'guardduty-chatops',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  setupFiles: ['<rootDir>/test/setupEnv.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [product, { ...sandbox, rootDir: join(__dirname, 'packages', 'slack-sandbox') }],
  // Network tests run real servers on loopback; give them room on a 2-core CI box.
  testTimeout: 30000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
