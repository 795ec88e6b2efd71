import { describe, expect, it } from 'vitest';
import {
  BatchFormatError,
  readBatchResponse,
  writeChangeSetBatch,
} from '../../../src/connectors/dataverse/batch-body.js';

describe('$batch bodies', () => {
  it('writes every request in one change set, numbered by Content-ID, with CRLF line ends', () => {
    const { contentType, body } = writeChangeSetBatch(
      [
        { method: 'PATCH', url: "accounts(erp_id='1')", headers: { 'If-None-Match': '*' }, body: { name: 'Ann' } },
        { method: 'DELETE', url: 'accounts(00000000-0000-4000-8000-000000000001)' },
      ],
      'http://crm.test/api/data/v9.2',
      { batch: 'batch_B', changeSet: 'changeset_C' },
    );
    expect(contentType).toBe('multipart/mixed; boundary=batch_B');
    // The shape of "Execute batch operations using the Web API" (Microsoft Learn), change set example.
    expect(body.split('\r\n')).toEqual([
      '--batch_B',
      'Content-Type: multipart/mixed; boundary=changeset_C',
      '',
      '--changeset_C',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      "PATCH http://crm.test/api/data/v9.2/accounts(erp_id='1') HTTP/1.1",
      'If-None-Match: *',
      'Content-Type: application/json; type=entry',
      '',
      '{"name":"Ann"}',
      '--changeset_C',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'DELETE http://crm.test/api/data/v9.2/accounts(00000000-0000-4000-8000-000000000001) HTTP/1.1',
      '',
      '--changeset_C--',
      '',
      '--batch_B--',
      '',
    ]);
  });

  it('reads a change set response into one answer per part, with status, headers and JSON body', () => {
    const response = [
      '--batchresponse_1',
      'Content-Type: multipart/mixed; boundary=changesetresponse_2',
      '',
      '--changesetresponse_2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 201 Created',
      'Content-Type: application/json; odata.metadata=minimal',
      'ETag: W/"7"',
      'OData-EntityId: http://crm.test/api/data/v9.2/accounts(00000000-0000-4000-8000-000000000001)',
      '',
      '{"@odata.etag":"W/\\"7\\"","accountid":"00000000-0000-4000-8000-000000000001"}',
      '--changesetresponse_2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json',
      '',
      '{"error":{"code":"0x80040203","message":"name is required"}}',
      '--changesetresponse_2--',
      '--batchresponse_1--',
      '',
    ].join('\r\n');
    const answers = readBatchResponse('multipart/mixed; boundary=batchresponse_1', response);
    expect(answers).toEqual([
      {
        contentId: '1',
        status: 201,
        headers: {
          'content-type': 'application/json; odata.metadata=minimal',
          etag: 'W/"7"',
          'odata-entityid': 'http://crm.test/api/data/v9.2/accounts(00000000-0000-4000-8000-000000000001)',
        },
        body: { '@odata.etag': 'W/"7"', accountid: '00000000-0000-4000-8000-000000000001' },
      },
      {
        contentId: '2',
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: { error: { code: '0x80040203', message: 'name is required' } },
      },
    ]);
  });

  it('reads parts outside a change set, bare LF line ends and a quoted boundary, and bodiless 204s', () => {
    const response = '--b\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\nOData-Version: 4.0\n\n\n--b--\n';
    expect(readBatchResponse('multipart/mixed; boundary="b"', response)).toEqual([
      { contentId: null, status: 204, headers: { 'odata-version': '4.0' }, body: null },
    ]);
  });

  it('refuses a response it cannot read', () => {
    expect(() => readBatchResponse('application/json', '{}')).toThrow(BatchFormatError);
    expect(() => readBatchResponse('multipart/mixed; boundary=x', '--x\n\nnot http\n--x--')).toThrow(
      'not an HTTP status line',
    );
  });
});
