/**
 * `work`'s outcome, or `onTimeout()`'s once `ms` have passed, whichever comes first (`onTimeout` may throw to
 * reject instead). The timer is cleared as soon as either settles; `unref` lets it not hold the process open.
 * `work` itself is not cancelled: a caller that must stop it (an HTTP pool, a consumer) does so in `onTimeout`
 * or after.
 */
export async function withinTimeout<T, U = T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => U | Promise<U>,
  options: { unref?: boolean } = {},
): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  }).then(onTimeout);
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
