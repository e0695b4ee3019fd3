/**
 * Prometheus text-format metrics (exposition format 0.0.4), kept by hand: a few counters, gauges and one
 * latency histogram. Labels are roles, endpoints, decisions and status classes — never principals' values.
 */

const BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

function labelText(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`).join(',')}}`;
}

/** The guard's metrics. */
export class GuardMetrics {
  readonly #counters = new Map<string, { help: string; values: Map<string, number> }>();
  readonly #hist = new Map<string, { count: number; sum: number; buckets: number[] }>();
  readonly #gauges = new Map<string, { help: string; read: () => number }>();

  constructor() {
    this.#define('leakguard_guard_requests_total', 'Requests by role, endpoint, decision and status');
    this.#define('leakguard_guard_records_total', 'Records returned by role');
    this.#define('leakguard_guard_bytes_total', 'Response bytes sent by role');
    this.#define('leakguard_guard_masked_values_total', 'Values masked in responses by role');
    this.#define('leakguard_guard_upstream_errors_total', 'Upstream failures by kind');
    this.#define('leakguard_guard_alerts_total', 'Alerts raised by kind and severity');
    this.#define('leakguard_guard_reloads_total', 'Configuration reloads by result');
  }

  #define(name: string, help: string): void {
    this.#counters.set(name, { help, values: new Map() });
  }

  /** Adds to a counter. */
  inc(name: string, labels: Readonly<Record<string, string>>, n = 1): void {
    const c = this.#counters.get(name);
    if (!c) return;
    const k = labelText(labels);
    if (!c.values.has(k) && c.values.size >= 10_000) return;
    c.values.set(k, (c.values.get(k) ?? 0) + n);
  }

  /** Records a request duration. */
  observe(role: string, ms: number): void {
    const k = labelText({ role });
    let h = this.#hist.get(k);
    if (!h) {
      if (this.#hist.size >= 1000) return;
      h = { count: 0, sum: 0, buckets: BUCKETS_MS.map(() => 0) };
      this.#hist.set(k, h);
    }
    h.count++;
    h.sum += ms / 1000;
    for (let i = 0; i < BUCKETS_MS.length; i++)
      if (ms <= (BUCKETS_MS[i] as number)) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
  }

  /** Registers a gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.set(name, { help, read });
  }

  /** A counter's value (tests). */
  value(name: string, labels: Readonly<Record<string, string>>): number {
    return this.#counters.get(name)?.values.get(labelText(labels)) ?? 0;
  }

  /** The exposition text. */
  render(): string {
    let out = '';
    for (const [name, c] of this.#counters) {
      out += `# HELP ${name} ${c.help}\n# TYPE ${name} counter\n`;
      for (const [k, v] of c.values) out += `${name}${k} ${v}\n`;
    }
    out += '# HELP leakguard_guard_request_duration_seconds Request duration through the guard\n';
    out += '# TYPE leakguard_guard_request_duration_seconds histogram\n';
    for (const [k, h] of this.#hist) {
      const inner = k ? k.slice(1, -1) : '';
      BUCKETS_MS.forEach((b, i) => {
        out += `leakguard_guard_request_duration_seconds_bucket{${inner ? `${inner},` : ''}le="${b / 1000}"} ${h.buckets[i]}\n`;
      });
      out += `leakguard_guard_request_duration_seconds_bucket{${inner ? `${inner},` : ''}le="+Inf"} ${h.count}\n`;
      out += `leakguard_guard_request_duration_seconds_sum${k} ${h.sum}\n`;
      out += `leakguard_guard_request_duration_seconds_count${k} ${h.count}\n`;
    }
    for (const [name, g] of this.#gauges)
      out += `# HELP ${name} ${g.help}\n# TYPE ${name} gauge\n${name} ${g.read()}\n`;
    return out;
  }
}
