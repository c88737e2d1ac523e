import type { ServerResponse } from 'node:http';
import { apiErrorFor } from './api-error-catalogue.js';
import { prepareError, sendPrepared } from './http-io.js';

const LATE_GATEWAY_TIMEOUT = prepareError(apiErrorFor(504));

/**
 * Requests chosen to "time out": never answered within any sane client timeout. They are released when the client
 * gives up, after holdMs (with a 504, so a client without a timeout is not stuck forever), or when the simulator closes.
 */
export class HeldRequests {
  private readonly held = new Map<ServerResponse, NodeJS.Timeout>();

  constructor(private readonly holdMs: number) {}

  hold(res: ServerResponse): void {
    const timer = setTimeout(() => {
      this.held.delete(res);
      sendPrepared(res, LATE_GATEWAY_TIMEOUT);
    }, this.holdMs);
    // A held request must never be what keeps a test process or a stopping simulator alive.
    timer.unref();
    this.held.set(res, timer);
    res.once('close', () => {
      clearTimeout(timer);
      this.held.delete(res);
    });
  }

  get count(): number {
    return this.held.size;
  }

  /** Drops every held request by destroying its connection, so clients fail at once instead of waiting. */
  releaseAll(): void {
    for (const [res, timer] of this.held) {
      clearTimeout(timer);
      res.destroy();
    }
    this.held.clear();
  }
}
