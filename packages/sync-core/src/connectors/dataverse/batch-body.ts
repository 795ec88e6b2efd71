import { randomUUID } from 'node:crypto';

/**
 * The `$batch` body of the Dataverse Web API (OData v4 multipart/mixed, "Execute batch operations using
 * the Web API"): requests written as `application/http` parts inside one change set, and the response
 * read back into one answer per request, matched by `Content-ID`.
 */

/** One request of a batch; `url` is relative to the Web API root (`accounts(…)`) or absolute. */
export interface BatchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One answer of a batch: its status, headers (lower-case names) and parsed JSON body, if any. */
export interface BatchResponse {
  /** The `Content-ID` it answers (1-based position in the change set), when the server gave one. */
  contentId: string | null;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const CRLF = '\r\n';

/** A batch body with every request in one change set; `Content-ID` n is the n-th request (1-based). */
export function writeChangeSetBatch(
  requests: readonly BatchRequest[],
  baseUrl: string,
  boundaries = { batch: `batch_${randomUUID()}`, changeSet: `changeset_${randomUUID()}` },
): { contentType: string; body: string } {
  const lines: string[] = [
    `--${boundaries.batch}`,
    `Content-Type: multipart/mixed; boundary=${boundaries.changeSet}`,
    '',
  ];
  requests.forEach((request, index) => {
    lines.push(
      `--${boundaries.changeSet}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      `Content-ID: ${index + 1}`,
      '',
      `${request.method} ${absolute(baseUrl, request.url)} HTTP/1.1`,
    );
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json; type=entry';
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    lines.push('');
    if (request.body !== undefined) lines.push(JSON.stringify(request.body));
  });
  lines.push(`--${boundaries.changeSet}--`, '', `--${boundaries.batch}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundaries.batch}`, body: lines.join(CRLF) };
}

function absolute(baseUrl: string, url: string): string {
  return /^https?:\/\//.test(url) ? url : `${baseUrl.replace(/\/$/, '')}/${url.replace(/^\//, '')}`;
}

/** Thrown when a batch response cannot be read: the whole call failed. */
export class BatchFormatError extends Error {
  constructor(reason: string) {
    super(`unreadable $batch response: ${reason}`);
    this.name = 'BatchFormatError';
  }
}

/**
 * Reads a `multipart/mixed` batch response into its answers, in order, descending into change set
 * responses. Accepts CRLF and bare LF line ends.
 */
export function readBatchResponse(contentType: string, body: string): BatchResponse[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new BatchFormatError(`no boundary in Content-Type "${contentType}"`);
  return readMultipart(boundary, body);
}

function boundaryOf(contentType: string): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function readMultipart(boundary: string, body: string): BatchResponse[] {
  const text = body.replace(/\r\n/g, '\n');
  const delimiter = `--${boundary}`;
  const start = text.indexOf(delimiter);
  if (start < 0) throw new BatchFormatError(`boundary ${boundary} not found`);
  const responses: BatchResponse[] = [];
  // Parts lie between delimiter lines; the one followed by `--` closes the multipart.
  const chunks = text.slice(start + delimiter.length).split(`\n${delimiter}`);
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    const part = chunk.replace(/^[ \t]*\n/, '');
    const { headers, rest } = splitHeaders(part);
    const type = headers['content-type'] ?? '';
    if (/^multipart\/mixed/i.test(type)) {
      const inner = boundaryOf(type);
      if (!inner) throw new BatchFormatError('a change set response without a boundary');
      responses.push(...readMultipart(inner, rest));
    } else {
      responses.push(readHttpPart(headers['content-id'] ?? null, rest));
    }
  }
  return responses;
}

/** Headers up to the first empty line (names lower-cased), and what follows it. */
function splitHeaders(text: string): { headers: Record<string, string>; rest: string } {
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const rest = end < 0 ? '' : text.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

/** One `application/http` part: `HTTP/1.1 204 No Content`, headers, then a JSON body or nothing. */
function readHttpPart(contentId: string | null, text: string): BatchResponse {
  const newline = text.indexOf('\n');
  const statusLine = newline < 0 ? text : text.slice(0, newline);
  const match = /^HTTP\/\d\.\d\s+(\d{3})/.exec(statusLine.trim());
  if (!match) throw new BatchFormatError(`not an HTTP status line: "${statusLine.slice(0, 80)}"`);
  const { headers, rest } = splitHeaders(newline < 0 ? '' : text.slice(newline + 1));
  const raw = rest.trim();
  let body: unknown = null;
  if (raw !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
  }
  return { contentId, status: Number(match[1]), headers, body };
}
