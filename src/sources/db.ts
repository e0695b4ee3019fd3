/**
 * Database and search-index sources behind one factory: PostgreSQL, MySQL/MariaDB, SQLite and
 * Elasticsearch/OpenSearch (see `db-source.ts`).
 */
export { createDbSource, type DbSourceOptions } from './db-source.js';
