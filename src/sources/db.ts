/**
 * Database and search-index sources behind one factory (filled by the database source module).
 */

import { redactUrl } from '../catalog/sql.js';
import { UsageError } from '../core/errors.js';
import type { Source } from './source.js';

export interface DbSourceOptions {
  full?: boolean;
  sampleRows?: number;
  cwd?: string;
}

/** Open a database source from its URL. */
export async function createDbSource(url: string, _options: DbSourceOptions = {}): Promise<Source> {
  throw new UsageError(`Cannot scan "${redactUrl(url)}": database sources are not wired yet`);
}
