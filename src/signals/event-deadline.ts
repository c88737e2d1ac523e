/**
 * The one clock of an event's signal collection: one timer and one AbortController for all of its checks, where
 * each check used to start its own deadline timer, its own controller and its own timer for that controller.
 * At the deadline the controller aborts what is still in flight and `expired` resolves, so every waiting lookup
 * answers deadline_exceeded at once.
 */
export class EventDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** resolves (to undefined) when the deadline passes; never rejects */
  readonly expired: Promise<undefined>;

  constructor(readonly at: number) {
    let fire!: () => void;
    this.expired = new Promise<undefined>((resolve) => (fire = () => resolve(undefined)));
    this.timer = setTimeout(
      () => {
        this.controller.abort();
        fire();
      },
      Math.max(0, at - Date.now()),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the clock once every check answered; nothing left to abort. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
