import { randomUUID } from 'node:crypto';
import { badQuery } from '../errors.js';
import { type ApiResponse, STATUS_TEXT } from '../http/api-types.js';

/**
 * multipart/mixed for `$batch` (learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api):
 * a batch holds parts of `Content-Type: application/http` (one HTTP request each) and change sets (a nested
 * multipart/mixed whose requests carry a Content-ID).
 */
export interface BatchRequest {
  contentId?: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body: string;
}

export type BatchPart = { kind: 'request'; request: BatchRequest } | { kind: 'changeset'; requests: BatchRequest[] };

export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  if (!match || !/^multipart\/mixed/i.test(contentType ?? '')) {
    throw badQuery('A $batch request needs Content-Type: multipart/mixed; boundary=…');
  }
  return match[2]!;
}

function splitParts(body: string, boundary: string): string[] {
  const text = body.replace(/\r\n/g, '\n');
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  const pieces = text.split(delimiter);
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break;
    parts.push(piece.replace(/^\n/, ''));
  }
  return parts;
}

function splitHead(text: string): { headers: Record<string, string>; rest: string } {
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

function parseHttpRequest(partHeaders: Record<string, string>, content: string): BatchRequest {
  const newline = content.indexOf('\n');
  const requestLine = (newline < 0 ? content : content.slice(0, newline)).trim();
  const match = /^([A-Z]+)\s+(\S+)(\s+HTTP\/1\.1)?$/.exec(requestLine);
  if (!match) throw badQuery(`A $batch part has no valid request line: "${requestLine}"`);
  const { headers, rest } = splitHead(newline < 0 ? '' : content.slice(newline + 1));
  return {
    contentId: partHeaders['content-id'],
    method: match[1]!,
    target: match[2]!,
    headers,
    body: rest.replace(/\n+$/, ''),
  };
}

export function parseBatch(body: string, contentType: string | undefined): BatchPart[] {
  return splitParts(body, boundaryOf(contentType)).map((part) => {
    const { headers, rest } = splitHead(part);
    if (/^multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      const requests = splitParts(rest, boundaryOf(headers['content-type'])).map((inner) => {
        const split = splitHead(inner);
        return parseHttpRequest(split.headers, split.rest);
      });
      return { kind: 'changeset', requests };
    }
    return { kind: 'request', request: parseHttpRequest(headers, rest) };
  });
}

function httpResponse(response: ApiResponse, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`);
  const headers: Record<string, string> = { 'OData-Version': '4.0', ...response.headers };
  let payload = '';
  if (response.body !== undefined) {
    payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    if (typeof response.body !== 'string') headers['Content-Type'] = 'application/json; odata.metadata=minimal';
  }
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('', payload);
  return lines.join('\r\n');
}

export type BatchResultPart =
  | { kind: 'response'; response: ApiResponse; contentId?: string }
  | { kind: 'changeset'; responses: { response: ApiResponse; contentId?: string }[] };

/** Writes the batch response body; returns it with its Content-Type. */
export function writeBatch(parts: BatchResultPart[]): { contentType: string; body: string } {
  const boundary = `batchresponse_${randomUUID()}`;
  const chunks = parts.map((part) => {
    if (part.kind === 'response') return `--${boundary}\r\n${httpResponse(part.response, part.contentId)}\r\n`;
    const inner = `changesetresponse_${randomUUID()}`;
    const body = part.responses.map((r) => `--${inner}\r\n${httpResponse(r.response, r.contentId)}\r\n`).join('');
    return `--${boundary}\r\nContent-Type: multipart/mixed; boundary=${inner}\r\n\r\n${body}--${inner}--\r\n`;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: `${chunks.join('')}--${boundary}--\r\n` };
}
