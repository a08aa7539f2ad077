/**
 * The embedded MongoDB server: the database `npm start`, the tests and CI run on when no
 * MONGODB_URI is given. See docs/decisions/0001-embedded-mongodb.md.
 */
export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './server.js';
