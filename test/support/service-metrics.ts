/** Reads one series of the service's /metrics (sum over label sets matching `labels`). */
export async function metricValue(httpUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([^ ]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

export interface KafkaHealth {
  status: 'up' | 'down';
  consumer: 'joined' | 'down';
  producer: 'connected' | 'disconnected';
  consumerDownSeconds: number;
  heldRecords: number;
}

/** /health/ready's status code and the Kafka state it reports beside readiness. */
export async function readiness(httpUrl: string): Promise<{ status: number; kafka: KafkaHealth }> {
  const res = await fetch(`${httpUrl}/health/ready`);
  const body = (await res.json()) as { details: { kafka: KafkaHealth } };
  return { status: res.status, kafka: body.details.kafka };
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
