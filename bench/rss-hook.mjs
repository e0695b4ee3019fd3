/**
 * Preloaded (`node --import ./bench/rss-hook.mjs …`) into the CLI processes the benchmark runs: on exit, writes
 * the process's own peak RSS and CPU time to the file named by `BENCH_RSS_FILE`. The same `getrusage` figure
 * the in-process contenders report, without relying on `/usr/bin/time`.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKb: u.maxRSS,
        userUs: u.userCPUTime,
        systemUs: u.systemCPUTime,
        uptimeMs: process.uptime() * 1000,
      }),
    );
  });
}
