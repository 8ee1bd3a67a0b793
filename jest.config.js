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
  // A hang guard, not a speed target (those live in npm run bench). Setup hooks start the whole
  // product — the demo with its model, the built bundles, chromium — and on a busy 2-core box,
  // or one core shared with a CPU hog, they took more than 30 s.
  testTimeout: 120000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
