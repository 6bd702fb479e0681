/** Native ESM: run through `node --experimental-vm-modules` (see package.json "test"). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/nest11 holds Nest 11 and its own checks: only jest.nest11.config.js runs them, and only it resolves from there.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/nest11/'],
  modulePathIgnorePatterns: ['<rootDir>/test/nest11/node_modules/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Relative imports carry `.js` (NodeNext); Jest reads the `.ts` source beside it.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 30000,
};
