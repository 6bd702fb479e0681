import base from './jest.config.js';

/**
 * The e2e suites again, against Nest 11: every `@nestjs/*` import (ours, the tests', and Nest's
 * own) is mapped to test/nest11/node_modules, installed from its lockfile by
 * `npm run nest11:install`. Everything else (rxjs, reflect-metadata, graphql ...) is the root's.
 */
export default {
  ...base,
  displayName: 'nest11',
  testPathIgnorePatterns: ['/node_modules/'],
  modulePathIgnorePatterns: [],
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/nest11/**/*.test.ts'],
  moduleNameMapper: {
    '^@nestjs/([^/]+)(.*)$': '<rootDir>/test/nest11/node_modules/@nestjs/$1$2',
    ...base.moduleNameMapper,
  },
};
