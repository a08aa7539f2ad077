/** Contracts and pure domain logic shared by the BFF and the mini-program. */
export * from './contracts/errors.js';
export * from './contracts/directory.js';
export * from './contracts/auth.js';
export * from './domain/money.js';
