/** Requests answered per endpoint and status (or "timeout" for held requests); admin calls are not counted. */
export interface StatsSnapshot {
  total: number;
  byEndpoint: Record<string, Record<string, number>>;
}

export class RequestStats {
  private total = 0;
  private byEndpoint = new Map<string, Map<string, number>>();

  record(endpoint: string, outcome: number | 'timeout'): void {
    this.total++;
    let counts = this.byEndpoint.get(endpoint);
    if (counts === undefined) {
      counts = new Map();
      this.byEndpoint.set(endpoint, counts);
    }
    const key = typeof outcome === 'number' ? statusKey(outcome) : outcome;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  snapshot(): StatsSnapshot {
    const byEndpoint: StatsSnapshot['byEndpoint'] = {};
    for (const [endpoint, counts] of this.byEndpoint) byEndpoint[endpoint] = Object.fromEntries(counts);
    return { total: this.total, byEndpoint };
  }

  clear(): void {
    this.total = 0;
    this.byEndpoint.clear();
  }
}

const STATUS_KEYS: string[] = [];
function statusKey(status: number): string {
  return (STATUS_KEYS[status] ??= String(status));
}
