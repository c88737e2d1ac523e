import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { RiskwireMetrics } from '../../metrics/riskwire-metrics.js';
import { newWebhookId, parseSigningSecrets, type SigningKey, signWebhook } from '../../credentials/callback-signature.js';
import { blockedAddressReason, type CallbackUrlPolicy } from './callback-url.policy.js';

export const CALLBACK_DELIVERY_OPTIONS = Symbol('CALLBACK_DELIVERY_OPTIONS');

export interface CallbackDeliveryOptions {
  /** total attempts, the first included */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** per attempt, for the receiver's response headers and body */
  timeoutMs: number;
}

const DEFAULTS: CallbackDeliveryOptions = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5000, timeoutMs: 5000 };

/** Network failures, 5xx and 429 are worth another attempt; any other answer is final. */
class RetryableDeliveryError extends Error {}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Re-checks every address actually connected to, so a host re-pointed after validation (DNS rebinding) is still refused. */
function guardedLookup(policy: CallbackUrlPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const blocked = addresses.find((a) => blockedAddressReason(a.address, policy));
      if (blocked)
        return callback(Object.assign(new Error(`callback host ${hostname} resolves to a forbidden address`), { code: 'EBLOCKED' }), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * POSTs a decision to the caller's callback URL, signed the Standard Webhooks way (callback-signature.ts) with every
 * configured key, retrying with exponential backoff and jitter. One webhook-id per delivery, the same on its retries;
 * each attempt gets a fresh timestamp and signature. Without CALLBACK_SIGNING_SECRET (development only: production
 * refuses to start) a random key is made at start: deliveries work but receivers cannot verify them.
 */
@Injectable()
export class CallbackDeliveryService implements OnApplicationShutdown {
  private readonly logger = new Logger('CallbackDelivery');
  private readonly keys: SigningKey[];
  private readonly options: CallbackDeliveryOptions;
  private readonly policy: CallbackUrlPolicy;
  private readonly agent: Agent;
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: RiskwireMetrics,
    @Optional() @Inject(CALLBACK_DELIVERY_OPTIONS) options?: Partial<CallbackDeliveryOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.policy = { allowPrivate: config.api.callbackAllowPrivate };
    this.agent = new Agent({ connect: { lookup: guardedLookup(this.policy) as never, timeout: this.options.timeoutMs } });
    if (config.api.callbackSigningSecret) {
      this.keys = parseSigningSecrets(config.api.callbackSigningSecret);
    } else {
      this.keys = [{ bytes: randomBytes(32), label: 'current' }];
      if (config.api.callbacks === 'enabled')
        this.logger.warn(
          'CALLBACK_SIGNING_SECRET is not set: callbacks are signed with a random per-process secret that receivers cannot verify',
        );
    }
  }

  /** Resolves true when the receiver answered 2xx, false when it gave up (never throws). */
  async deliver(url: URL, payload: unknown, decisionId: string): Promise<boolean> {
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && blockedAddressReason(literal, this.policy)) {
      this.logger.warn({ decisionId }, 'callback not sent: the URL points at a forbidden address');
      this.metrics.callbacks.inc({ result: 'failed' });
      return false;
    }
    const body = JSON.stringify(payload);
    const webhookId = newWebhookId();
    const policy = retry(
      handleWhen((err) => err instanceof RetryableDeliveryError),
      {
        maxAttempts: this.options.attempts - 1,
        backoff: new ExponentialBackoff({ initialDelay: this.options.initialDelayMs, maxDelay: this.options.maxDelayMs }),
      },
    );
    policy.onRetry(() => this.metrics.callbacks.inc({ result: 'retried' }));
    try {
      await policy.execute(async ({ signal }) => {
        let statusCode: number;
        try {
          const res = await request(url, {
            method: 'POST',
            body,
            dispatcher: this.agent,
            signal,
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs,
            headers: {
              'content-type': 'application/json',
              'user-agent': 'riskwire-callback/1',
              ...signWebhook(this.keys, webhookId, body),
              'x-riskwire-decision-id': decisionId,
            },
          });
          statusCode = res.statusCode;
          await res.body.dump();
        } catch (err) {
          if ((err as { code?: string }).code === 'EBLOCKED' || signal.aborted) throw err;
          throw new RetryableDeliveryError((err as Error).message);
        }
        if (statusCode >= 500 || statusCode === 429) throw new RetryableDeliveryError(`receiver answered ${statusCode}`);
        if (statusCode >= 300) throw new Error(`receiver answered ${statusCode}`);
      }, this.shutdown.signal);
      this.metrics.callbacks.inc({ result: 'delivered' });
      return true;
    } catch (err) {
      this.metrics.callbacks.inc({ result: 'failed' });
      this.logger.warn({ decisionId, host: url.host, error: (err as Error).message }, 'callback delivery failed');
      return false;
    }
  }

  async onApplicationShutdown() {
    this.shutdown.abort();
    await this.agent.close().catch(() => undefined);
  }
}
