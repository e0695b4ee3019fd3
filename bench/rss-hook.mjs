/**
 * Preloaded (`node --import ./bench/rss-hook.mjs …`) into the CLI processes the benchmark runs: on exit, writes
 * the process's own peak RSS and CPU time (whole process and main thread) to the file named by `BENCH_RSS_FILE`. The same `getrusage` figure
 * the in-process contenders report, without relying on `/usr/bin/time`.
 */
import { writeFileSync } from 'node:fs';
import { mainThreadCpuMs } from './cpu.mjs';

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
        mainThreadCpuMs: mainThreadCpuMs().ms,
        uptimeMs: process.uptime() * 1000,
      }),
    );
  });
}
