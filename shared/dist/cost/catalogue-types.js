/**
 * Types of the dated price catalogue. Every figure carries its unit, where it was read, when,
 * and whether it was checked against a source (`verified`) or only copied from the project's
 * PRICES.md (`verified: false`). Units are decimal: 1 GB = 10^9 bytes, 1 MB = 10^6 bytes.
 */
export {};
