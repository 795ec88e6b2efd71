import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.js';
import { start, tokenFor } from './helpers.js';

let emulator: RunningEmulator;
let token: string;

beforeEach(async () => {
  emulator = await start();
  token = await tokenFor(emulator);
});
afterEach(async () => {
  await emulator.close();
});

/** A change set of POSTs, in the documented request shape (execute-batch-operations-using-web-api). */
function changeSetBody(bodies: Record<string, unknown>[]): string {
  const lines = ['--batch_AAA', 'Content-Type: multipart/mixed; boundary=changeset_BBB', ''];
  bodies.forEach((body, i) => {
    lines.push(
      '--changeset_BBB',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      `Content-ID: ${i + 1}`,
      '',
      `POST ${emulator.apiUrl}/accounts HTTP/1.1`,
      'Content-Type: application/json; type=entry',
      '',
      JSON.stringify(body),
    );
  });
  lines.push('--changeset_BBB--', '--batch_AAA--', '');
  return lines.join('\r\n');
}

const postBatch = (body: string, prefer?: string) =>
  fetch(`${emulator.apiUrl}/$batch`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'multipart/mixed; boundary=batch_AAA',
      ...(prefer ? { Prefer: prefer } : {}),
    },
    body,
  });

describe('$batch', () => {
  // Documented response: 200 OK, multipart/mixed; boundary=batchresponse_…, a changesetresponse with one
  // "HTTP/1.1 204 No Content" + OData-EntityId per request, each with its Content-ID
  it('runs a change set and answers each request in a multipart response', async () => {
    const response = await postBatch(changeSetBody([{ name: 'A' }, { name: 'B' }]));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    const text = await response.text();
    expect(text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2);
    expect(text).toContain('Content-ID: 2');
    expect(text).toMatch(/OData-EntityId: .*\/accounts\([0-9a-f-]{36}\)/);
    expect(
      emulator
        .rows('accounts')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['A', 'B']);
    expect(emulator.stats().batchOperations).toBe(2);
  });

  // Documented: a change set is all or nothing — a failure rolls back every change in it
  it('rolls the change set back when one request fails, answering that error', async () => {
    const response = await postBatch(changeSetBody([{ name: 'A' }, { name: 'x'.repeat(30) }, { name: 'C' }]));
    const text = await response.text();
    expect(text).toContain('HTTP/1.1 400 Bad Request');
    expect(text).toContain('0x80044331');
    expect(text).toContain('Content-ID: 2');
    expect(emulator.rows('accounts')).toEqual([]);
  });

  // Documented: Prefer: odata.continue-on-error — the service goes on after a failed request
  it('with odata.continue-on-error lands the good requests and answers the failed one in place', async () => {
    const response = await postBatch(
      changeSetBody([{ name: 'A' }, { name: 'x'.repeat(30) }, { name: 'C' }]),
      'odata.continue-on-error',
    );
    const text = await response.text();
    expect(text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(2);
    expect(text.match(/HTTP\/1\.1 400 Bad Request/g)).toHaveLength(1);
    expect(
      emulator
        .rows('accounts')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['A', 'C']);
  });

  it('runs a GET outside a change set', async () => {
    await postBatch(changeSetBody([{ name: 'A' }]));
    const body = [
      '--batch_AAA',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET /api/data/v9.2/accounts?$select=name HTTP/1.1',
      'Accept: application/json',
      '',
      '--batch_AAA--',
      '',
    ].join('\r\n');
    const text = await (await postBatch(body)).text();
    expect(text).toContain('HTTP/1.1 200 OK');
    expect(text).toContain('"name":"A"');
  });
});
