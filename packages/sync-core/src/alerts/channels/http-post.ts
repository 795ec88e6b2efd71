import { ChannelSendError, type SendReceipt } from './alert-channel.js';

/**
 * POSTs a JSON body and accepts any 2xx. Redirects are not followed (a receiver that moved must be
 * reconfigured, not silently chased); a hanging receiver is cut off at `timeoutMs`.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendReceipt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Tandem-Alerts/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ChannelSendError(describeFetchError(error, url, timeoutMs));
  }
  // Read the answer so the connection can be reused; keep a little of it for the delivery log.
  const text = await response.text().catch(() => '');
  if (response.status >= 200 && response.status < 300) return { statusCode: response.status };
  const excerpt = text.trim().slice(0, 200);
  throw new ChannelSendError(
    `the receiver answered HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
    response.status,
  );
}

function describeFetchError(error: unknown, url: string, timeoutMs: number): string {
  const host = safeHost(url);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer from ${host} within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return `could not reach ${host}: ${cause}`;
}

/** The URL's host (and port): tokens in paths and queries never reach a log or the API. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
