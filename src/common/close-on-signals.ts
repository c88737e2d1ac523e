/**
 * Closes the app on SIGTERM/SIGINT (once) and exits 0, or 1 if closing fails or outlives `boundMs`:
 * an orchestrator's grace period must never be exceeded, whatever hangs.
 */
export function closeOnSignals(app: { close(): Promise<void> }, boundMs: number, onProblem: (message: string) => void): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    setTimeout(() => {
      onProblem(`shutdown after ${signal} exceeded its bound of ${boundMs} ms; exiting`);
      process.exit(1);
    }, boundMs).unref();
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        onProblem(`error during shutdown: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
