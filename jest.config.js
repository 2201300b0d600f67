/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Each test file starts its own simulator on a random loopback port; two workers fit 2 cores.
	maxWorkers: 2,
	testTimeout: 30_000,
	reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
	globalSetup: '<rootDir>/test/helpers/global-setup.js',
	globalTeardown: '<rootDir>/test/helpers/global-teardown.js',
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
};
