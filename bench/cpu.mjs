/**
 * CPU time of the calling process's MAIN thread, in milliseconds: the "single-thread" cost of the work, which a
 * busy machine distorts far less than wall-clock time, and which leaves out V8's GC helper threads (they run in
 * parallel with the main thread and show up in `process.cpuUsage()`).
 *
 * Linux: `utime + stime` of `/proc/self/task/<pid>/stat` (clock ticks, 100 per second: 10 ms resolution, so
 * use it over passes of a second or more). Elsewhere: whole-process `process.cpuUsage()`.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const statPath = `/proc/self/task/${process.pid}/stat`;

/** Main-thread CPU milliseconds since the process started, and which clock was used. */
export function mainThreadCpuMs() {
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(ticks)) return { ms: (ticks * 1000) / TICKS_PER_SECOND, clock: 'main-thread' };
  } catch {}
  const u = process.cpuUsage();
  return { ms: (u.user + u.system) / 1000, clock: 'process' };
}
