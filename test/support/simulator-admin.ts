/** Drives a running simulator through its admin API, as the demo and benchmark do. */
export class SimulatorAdmin {
  constructor(private readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`simulator admin ${method} ${path} -> ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  subscriber(
    phoneNumber: string,
    state: {
      simSwappedAt?: string | null;
      deviceSwappedAt?: string | null;
      callForwardingActive?: boolean;
      known?: boolean;
      /** CAMARA paths only: the operator answers 501 for this number */
      notImplemented?: boolean;
    },
  ) {
    return this.call('PUT', `/subscribers/${encodeURIComponent(phoneNumber)}`, state);
  }

  faults(config: Record<string, unknown>) {
    return this.call('PUT', '/faults', config);
  }

  stats() {
    return this.call('GET', '/stats') as Promise<{ total: number; byEndpoint: Record<string, Record<string, number>> }>;
  }

  reset() {
    return this.call('POST', '/reset');
  }
}

export const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
