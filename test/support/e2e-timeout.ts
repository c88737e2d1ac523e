import { jest } from '@jest/globals';

// End-to-end tests start brokers and processes; jest's testTimeout is global-only, so set it here.
jest.setTimeout(240_000);
