/**
 * Alerts: quota exceeded, anomalous volume, canary read, audit failures. Each alert is written as a log line,
 * stored in the catalog (`leakguard guard alerts` lists them) and, when configured, POSTed as JSON to a webhook
 * with retries (exponential backoff; a slow or failing webhook never delays requests). Alerts carry principals,
 * counts and types — never personal values.
 */
import type { SqlDb } from '../catalog/sql.js';

export type AlertKind = 'quota' | 'anomaly' | 'canary' | 'blocked' | 'audit' | 'upstream';
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** One alert. */
export interface Alert {
  readonly at: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly principal: string | null;
  readonly message: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A stored alert. */
export interface StoredAlert extends Alert {
  readonly id: number;
  readonly delivered: boolean;
}

/** Options of {@link AlertSink}. */
export interface AlertSinkOptions {
  readonly db?: SqlDb | undefined;
  readonly webhook?: { url: string; retries: number; timeoutMs: number; headers?: Record<string, string> } | undefined;
  readonly log?: (fields: Record<string, unknown>) => void;
  /** Wait between attempts: `backoffMs * 2^attempt` (default 200). */
  readonly backoffMs?: number;
  /** Same alert kind for the same principal at most once per this many ms (default 60 s). */
  readonly dedupeMs?: number;
  readonly now?: () => number;
  /** Called once per alert raised (after deduplication), e.g. to count it in metrics. */
  readonly onRaise?: (alert: Alert) => void;
}

/** Webhook settings of an {@link AlertSink}. */
export type WebhookOptions = NonNullable<AlertSinkOptions['webhook']>;

/** Raises alerts: log line, catalog row, webhook. */
export class AlertSink {
  readonly #o: AlertSinkOptions;
  #webhook: WebhookOptions | undefined;
  readonly #last = new Map<string, number>();
  readonly #pending = new Set<Promise<void>>();
  raised = 0;
  deliveryFailures = 0;

  constructor(options: AlertSinkOptions) {
    this.#o = options;
    this.#webhook = options.webhook;
  }

  /**
   * Sends later alerts to another webhook (or none): configuration reload. Deliveries already under way finish
   * with the webhook they started with.
   */
  setWebhook(webhook: WebhookOptions | undefined): void {
    this.#webhook = webhook;
  }

  /**
   * Raises an alert (deduplicated per kind, principal and `scope`); resolves when stored and delivered (or given
   * up). `scope` separates alerts of one kind that must not hide each other, e.g. reads of two different canary
   * plants.
   */
  raise(alert: Omit<Alert, 'at'>, scope = ''): Promise<void> {
    const now = (this.#o.now ?? Date.now)();
    const key = `${alert.kind}\u0000${alert.principal ?? ''}\u0000${scope}`;
    const last = this.#last.get(key);
    if (last !== undefined && now - last < (this.#o.dedupeMs ?? 60_000)) return Promise.resolve();
    this.#last.set(key, now);
    if (this.#last.size > 10_000) this.#last.clear();
    this.raised++;
    const a: Alert = { ...alert, at: new Date(now).toISOString() };
    this.#o.onRaise?.(a);
    this.#o.log?.({
      level: 'warn',
      msg: 'alert',
      kind: a.kind,
      severity: a.severity,
      principal: a.principal,
      alert: a.message,
      ...a.detail,
    });
    const p = this.#deliver(a, this.#webhook).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
    return p;
  }

  async #deliver(a: Alert, hook: WebhookOptions | undefined): Promise<void> {
    let id: number | undefined;
    if (this.#o.db) {
      try {
        const row = await this.#o.db.get<{ id: number | string }>(
          'INSERT INTO lg_guard_alerts (at, kind, severity, principal, message, detail, delivered) VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id',
          [a.at, a.kind, a.severity, a.principal, a.message, JSON.stringify(a.detail)],
        );
        id = row ? Number(row.id) : undefined;
      } catch (e) {
        this.#o.log?.({
          level: 'error',
          msg: 'alert not stored',
          error: (e as NodeJS.ErrnoException).code ?? (e as Error).name,
        });
      }
    }
    if (!hook) return;
    const body = JSON.stringify({ source: 'leakguard-guard', ...a });
    const backoff = this.#o.backoffMs ?? 200;
    for (let attempt = 0; attempt <= hook.retries; attempt++) {
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(hook.headers ?? {}) },
          body,
          signal: AbortSignal.timeout(hook.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          if (this.#o.db && id !== undefined) {
            await this.#o.db.run('UPDATE lg_guard_alerts SET delivered = 1 WHERE id = ?', [id]).catch(() => undefined);
          }
          return;
        }
        // 4xx other than 408/429: the hook refuses this payload; retrying will not help.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch {
        // network error or timeout: retry
      }
      if (attempt < hook.retries) await new Promise((r) => setTimeout(r, backoff * 2 ** attempt));
    }
    this.deliveryFailures++;
    this.#o.log?.({ level: 'error', msg: 'alert webhook failed', kind: a.kind, principal: a.principal });
  }

  /** Waits for deliveries in flight. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

/** Stored alerts, newest first. */
export async function listAlerts(
  db: SqlDb,
  options: { limit?: number; since?: string; kind?: string } = {},
): Promise<StoredAlert[]> {
  const params: (string | number)[] = [];
  let where = '1 = 1';
  if (options.since) {
    where += ' AND at >= ?';
    params.push(options.since);
  }
  if (options.kind) {
    where += ' AND kind = ?';
    params.push(options.kind);
  }
  params.push(options.limit ?? 100);
  const rows = await db.all<{
    id: number | string;
    at: string;
    kind: string;
    severity: string;
    principal: string | null;
    message: string;
    detail: string;
    delivered: number | string;
  }>(`SELECT * FROM lg_guard_alerts WHERE ${where} ORDER BY id DESC LIMIT ?`, params);
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    kind: r.kind as AlertKind,
    severity: r.severity as AlertSeverity,
    principal: r.principal,
    message: r.message,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    delivered: Number(r.delivered) === 1,
  }));
}
