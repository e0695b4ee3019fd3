/**
 * Service URLs for integration suites (env vars with the machine's defaults), and a connect-or-explain helper:
 * a suite that cannot reach its service fails with a clear message instead of skipping silently.
 */
export const PG_URL = process.env.LEAKGUARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.LEAKGUARD_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.LEAKGUARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Run `connect`; on failure throw an error that says which service and how to fix it. */
export async function requireService<T>(
  name: string,
  url: string,
  envVar: string,
  connect: () => Promise<T>,
): Promise<T> {
  try {
    return await connect();
  } catch (e) {
    const why = (e as { code?: string }).code ?? (e as Error).message;
    throw new Error(
      `${name} not reachable at ${url.replace(/:[^:@/]*@/, ':***@')} (${why}): start it or set ${envVar}`,
    );
  }
}
