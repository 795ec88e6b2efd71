import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DataverseConnector } from '../../../src/connectors/dataverse/index.js';
import { json, type SeenRequest, scriptedServer } from './scripted-server.js';

/**
 * The writer's handling of `$batch` answers that the emulator may or may not give: a change set rolled back
 * as a whole (Dataverse's documented behaviour: one answer, for the failing part), and parts answered 429.
 * A scripted loopback server gives exactly those answers.
 */
let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

const METADATA = {
  value: [
    {
      EntitySetName: 'accounts',
      PrimaryIdAttribute: 'accountid',
      ChangeTrackingEnabled: false,
      Attributes: [
        { LogicalName: 'accountid', AttributeType: 'Uniqueidentifier' },
        { LogicalName: 'name', AttributeType: 'String', RequiredLevel: { Value: 'ApplicationRequired' } },
        { LogicalName: 'erp_id', AttributeType: 'String' },
        { LogicalName: 'modifiedon', AttributeType: 'DateTime' },
      ],
      Keys: [{ KeyAttributes: ['erp_id'] }],
    },
  ],
};

/** The parts of a batch request: Content-ID, request line and JSON body. */
function partsOf(body: string): Array<{ contentId: string; line: string; body: Record<string, unknown> }> {
  return body
    .split(/\r\n--changeset_[^\r\n]*/)
    .filter((part) => part.includes('Content-ID:'))
    .map((part) => ({
      contentId: /Content-ID: (\d+)/.exec(part)![1]!,
      line: /\r\n\r\n([A-Z]+ [^\r\n]+)/.exec(part)![1]!,
      body: JSON.parse(/\r\n\r\n(\{.*\})\s*$/s.exec(part)?.[1] ?? '{}'),
    }));
}

/** A batch answer: one change set with the given parts. */
function batchAnswer(
  res: ServerResponse,
  parts: Array<{ contentId: string; status: string; body?: unknown; headers?: Record<string, string> }>,
): void {
  const lines = ['--batchresponse_1', 'Content-Type: multipart/mixed; boundary=changesetresponse_2', ''];
  for (const part of parts) {
    lines.push('--changesetresponse_2', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary');
    lines.push(`Content-ID: ${part.contentId}`, '', `HTTP/1.1 ${part.status}`);
    for (const [name, value] of Object.entries(part.headers ?? {})) lines.push(`${name}: ${value}`);
    lines.push('Content-Type: application/json', '', part.body === undefined ? '' : JSON.stringify(part.body));
  }
  lines.push('--changesetresponse_2--', '--batchresponse_1--', '');
  res.writeHead(200, { 'Content-Type': 'multipart/mixed; boundary=batchresponse_1' });
  res.end(lines.join('\r\n'));
}

async function crmOn(onBatch: (request: SeenRequest, res: ServerResponse, call: number) => void) {
  let calls = 0;
  const server = await scriptedServer((req, res) => {
    if (req.url.includes('EntityDefinitions')) return json(res, 200, METADATA);
    if (req.url.endsWith('$batch')) return onBatch(req, res, ++calls);
    json(res, 404, { error: { code: '0x0', message: 'not scripted' } });
  });
  close = server.close;
  const connector = DataverseConnector.open('crm', {
    type: 'dataverse',
    url: server.url,
    auth: { tokenUrl: server.tokenUrl, clientId: 'c', clientSecret: 's', scope: 'x' },
  });
  const table = connector.openTable({ table: 'accounts', idColumn: 'accountid', modifiedColumn: 'modifiedon' });
  return { server, table, batches: () => server.seen.filter((r) => r.url.endsWith('$batch')) };
}

const created = (n: number) => ({
  contentId: '',
  status: '201 Created',
  body: {
    '@odata.etag': `W/"${100 + n}"`,
    accountid: `00000000-0000-4000-8000-00000000000${n}`,
    modifiedon: '2026-11-26T12:00:05Z',
  },
});

describe('Dataverse $batch writes', () => {
  it('upserts by alternate key with If-None-Match, in one change set with continue-on-error', async () => {
    const { table, batches } = await crmOn((req, res) =>
      batchAnswer(
        res,
        partsOf(req.body).map((p, i) => ({ ...created(i + 1), contentId: p.contentId })),
      ),
    );
    const results = await table.insert([
      { name: 'Ada', erp_id: '1' },
      { name: 'Bob', erp_id: "O'2" },
    ]);
    expect(results).toEqual([
      {
        ok: true,
        id: '00000000-0000-4000-8000-000000000001',
        modifiedUs: Date.UTC(2026, 10, 26, 12, 0, 5) * 1000 + 101,
      },
      {
        ok: true,
        id: '00000000-0000-4000-8000-000000000002',
        modifiedUs: Date.UTC(2026, 10, 26, 12, 0, 5) * 1000 + 102,
      },
    ]);
    const [batch] = batches();
    expect(batch!.headers.prefer).toBe('odata.continue-on-error');
    expect(batch!.headers['content-type']).toMatch(/^multipart\/mixed; boundary=batch_/);
    const parts = partsOf(batch!.body);
    expect(parts.map((p) => p.line)).toEqual([
      expect.stringMatching(
        /^PATCH http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/accounts\(erp_id='1'\)\?\$select=accountid,modifiedon HTTP\/1\.1$/,
      ),
      expect.stringMatching(/accounts\(erp_id='O''2'\)/),
    ]);
    expect(batch!.body).toContain('If-None-Match: *');
    expect(parts[1]!.body).toEqual({ name: 'Bob', erp_id: "O'2" });
  });

  it('fails the one part a rolled-back change set names, and sends the others again so that they land', async () => {
    const { table, batches } = await crmOn((req, res, call) => {
      const parts = partsOf(req.body);
      if (call === 1) {
        // Dataverse rolls a change set back as a whole and answers for the failing part only.
        return batchAnswer(res, [
          {
            contentId: '2',
            status: '400 Bad Request',
            body: {
              error: {
                code: '0x80044331',
                message: 'A validation error occurred. The length of the name attribute exceeded the maximum.',
              },
            },
          },
        ]);
      }
      batchAnswer(
        res,
        parts.map((p, i) => ({ ...created(i + 1), contentId: p.contentId })),
      );
    });
    const results = await table.insert([{ name: 'Good 1' }, { name: 'N'.repeat(200) }, { name: 'Good 2' }]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toEqual({
      ok: false,
      message: 'A validation error occurred. The length of the name attribute exceeded the maximum.',
      detail: 'HTTP 400, Dataverse error 0x80044331',
    });
    expect(batches()).toHaveLength(2);
    expect(partsOf(batches()[1]!.body).map((p) => p.body.name)).toEqual(['Good 1', 'Good 2']);
  });

  it('sends parts answered 429 again after their Retry-After, and announces the wait', async () => {
    const { table, batches } = await crmOn((req, res, call) => {
      const parts = partsOf(req.body);
      batchAnswer(
        res,
        parts.map((p, i) =>
          call === 1 && i === 0
            ? {
                contentId: p.contentId,
                status: '429 Too Many Requests',
                headers: { 'Retry-After': '0.05' },
                body: { error: { code: '0x80072321', message: 'limit' } },
              }
            : { ...created(i + 1), contentId: p.contentId },
        ),
      );
    });
    const waits: string[] = [];
    table.onWait((w) => waits.push(w.message));
    const results = await table.insert([{ name: 'A' }, { name: 'B' }]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(batches()).toHaveLength(2);
    expect(partsOf(batches()[1]!.body).map((p) => p.body.name)).toEqual(['A']);
    expect(waits).toEqual(['the CRM (connector "crm") asked to wait 50 ms (parts of a $batch were refused)']);
  });
});
