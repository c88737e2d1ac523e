import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApiError } from './errors/api-error.js';
import { API_STATE_STORE, type ApiStateStore } from './api-state.store.js';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';

/** A response worth replaying: what a retry with the same key and body gets back. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface IdempotencyRecord {
  bodyHash: string;
  response: StoredResponse;
}

/**
 * `Idempotency-Key` for POST: same key + same body (canonical JSON) gets the first response back without
 * running the use case again; same key + another body is a 409. Keys are scoped per tenant (like the
 * decisions they lead to: two keys of one tenant share them, two tenants never) and kept as long as decisions are. Only successful responses are recorded: a rejected request may be retried as is.
 */
@Injectable()
export class IdempotencyService {
  private readonly inFlight = new Map<string, { bodyHash: string; promise: Promise<StoredResponse> }>();

  constructor(
    @Inject(API_STATE_STORE) private readonly state: ApiStateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    tenant: string,
    idempotencyKey: string,
    body: unknown,
    execute: () => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    const recordKey = `idem:${sha256Hex(tenant)}:${sha256Hex(idempotencyKey)}`;
    const bodyHash = sha256Hex(canonicalJson(body));
    const stored = await this.state.get(recordKey);
    if (stored) {
      const record = JSON.parse(stored) as IdempotencyRecord;
      if (record.bodyHash !== bodyHash) throw conflict();
      return { response: record.response, replayed: true };
    }
    const running = this.inFlight.get(recordKey);
    if (running) {
      if (running.bodyHash !== bodyHash) throw conflict();
      return { response: await running.promise, replayed: true };
    }
    const promise = (async () => {
      const response = await execute();
      if (response.status < 300) {
        const record: IdempotencyRecord = { bodyHash, response };
        await this.state.set(recordKey, JSON.stringify(record), this.config.store.retentionSeconds);
      }
      return response;
    })();
    this.inFlight.set(recordKey, { bodyHash, promise });
    try {
      return { response: await promise, replayed: false };
    } finally {
      this.inFlight.delete(recordKey);
    }
  }
}

function conflict(): ApiError {
  return new ApiError('CONFLICT', 'Idempotency-Key was already used with a different request body', [
    { field: 'Idempotency-Key', code: 'PARAMETER_INVALID', message: 'reused with a different body' },
  ]);
}
