/** The result-set readers and comparison moved to conformance/result-sets.ts; kept for imports. */
export * from '../../conformance/result-sets.js';
