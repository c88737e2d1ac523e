/**
 * `work`'s outcome, or `onTimeout()`'s once `ms` have passed, whichever comes first (`onTimeout` may throw to
 * reject instead). The timer is cleared as soon as either settles; `unref` lets it not hold the process open.
 * `work` itself is not cancelled: a caller that must stop it (an HTTP pool, a consumer) does so in `onTimeout`
 * or after.
 */
export function withinTimeout<T, U = T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => U | Promise<U>,
  options: { unref?: boolean } = {},
): Promise<T | U> {
  // One promise and one timer: it runs once per upstream attempt, where a race of two promises cost more.
  return new Promise<T | U>((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
    if (options.unref) timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
