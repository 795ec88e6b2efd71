/**
 * Waits for `work` for at most `timeoutMs`; true when it settled (resolved or failed) in time. A queue
 * that closes must stop waiting at some point: a run that ignores cancellation, or a connection that never
 * answers, must not hold the process.
 */
export async function waitAtMost(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(settled, settled), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

const settled = (): boolean => true;
