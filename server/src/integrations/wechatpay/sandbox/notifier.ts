import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { buildNotifyRequest, type NotifySigner, type SandboxNotifyEvent } from './notify-builder.js';

/**
 * Delivers notifies the way WeChat Pay does: POST to the notify_url, re-signed on every attempt
 * (fresh timestamp and nonce, same event id), retried on the schedule until the merchant answers
 * 2xx. Each delivery waits for its first attempt so the cashier's redirect (and `controls.pay`)
 * happen after the merchant has heard of the payment, like a fast real notify; later attempts
 * run in the background until `stop()`.
 */

/** WeChat Pay's own retry schedule: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h. */
export const WECHAT_NOTIFY_RETRY_DELAYS_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000);

/** How long one notify attempt may take before it counts as failed. */
const ATTEMPT_TIMEOUT_MS = 5_000;

/** One attempt of one delivery. */
export interface NotifyAttempt {
  at: string;
  /** HTTP status, or undefined when the endpoint did not answer. */
  status?: number;
  error?: string;
}

/** The record of a notify: what, where, every attempt, and whether it got through. */
export interface NotifyDelivery {
  id: string;
  eventType: string;
  /** out_trade_no or out_refund_no. */
  key: string;
  url: string;
  attempts: NotifyAttempt[];
  delivered: boolean;
  /** True when `dropNotifies` swallowed it. */
  dropped: boolean;
}

/** Options of the notifier. */
export interface NotifierOptions {
  apiV3Key: string;
  signer: NotifySigner;
  now: () => Date;
  retryDelaysMs: number[];
  logger?: Logger;
}

/** Sends and retries notifies; `stop()` cancels pending retries and in-flight attempts. */
export class Notifier {
  private readonly deliveries: NotifyDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private stopped = false;
  drop = false;

  constructor(private readonly options: NotifierOptions) {}

  /** Automatic notify (payment, refund): dropped when `drop` is on; otherwise first attempt awaited, retries scheduled. */
  async notify(url: string, key: string, event: SandboxNotifyEvent): Promise<NotifyDelivery> {
    const delivery: NotifyDelivery = { id: event.id ?? `EV-${randomUUID()}`, eventType: event.eventType, key, url, attempts: [], delivered: false, dropped: this.drop };
    this.deliveries.push(delivery);
    if (this.drop || this.stopped) return delivery;
    await this.attempt(delivery, { ...event, id: delivery.id }, 0);
    return delivery;
  }

  /** One extra delivery of an event now (tests: duplicates, concurrency); no retries; the statuses. */
  async deliverNow(url: string, key: string, event: SandboxNotifyEvent, times: number, concurrently: boolean): Promise<Array<number | undefined>> {
    const id = event.id ?? `EV-${randomUUID()}`;
    const one = async () => {
      const delivery: NotifyDelivery = { id, eventType: event.eventType, key, url, attempts: [], delivered: false, dropped: false };
      this.deliveries.push(delivery);
      await this.send(delivery, { ...event, id });
      return delivery.attempts[0]?.status;
    };
    if (concurrently) return Promise.all(Array.from({ length: times }, one));
    const statuses: Array<number | undefined> = [];
    for (let i = 0; i < times; i++) statuses.push(await one());
    return statuses;
  }

  /** Every delivery so far (copies). */
  all(): NotifyDelivery[] {
    return this.deliveries.map((delivery) => ({ ...delivery, attempts: [...delivery.attempts] }));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private async attempt(delivery: NotifyDelivery, event: SandboxNotifyEvent, retryIndex: number): Promise<void> {
    if (this.stopped) return;
    await this.send(delivery, event);
    if (delivery.delivered || this.stopped) return;
    const delay = this.options.retryDelaysMs[retryIndex];
    if (delay === undefined) {
      this.options.logger?.warn({ eventType: delivery.eventType, attempts: delivery.attempts.length }, 'wechat pay sandbox: notify given up');
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, event, retryIndex + 1);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** One POST; records the outcome on the delivery. */
  private async send(delivery: NotifyDelivery, event: SandboxNotifyEvent): Promise<void> {
    const at = this.options.now();
    const request = buildNotifyRequest(event, { apiV3Key: this.options.apiV3Key, signer: this.options.signer, at });
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { ...request.headers, 'content-type': 'application/json', 'user-agent': 'Mozilla/4.0 (WeChat Pay sandbox notify)' } as Record<string, string>,
        body: request.rawBody,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      delivery.attempts.push({ at: at.toISOString(), status: response.status });
      if (response.status >= 200 && response.status < 300) delivery.delivered = true;
    } catch (error) {
      delivery.attempts.push({ at: at.toISOString(), error: error instanceof Error ? error.name : 'error' });
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    this.options.logger?.debug(
      { eventType: delivery.eventType, attempt: delivery.attempts.length, status: delivery.attempts.at(-1)?.status },
      'wechat pay sandbox: notify attempt',
    );
  }
}
