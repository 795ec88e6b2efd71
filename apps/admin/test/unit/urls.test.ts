import { describe, expect, it } from 'vitest';
import { countOf, kindLabel } from '../../src/composables/labels';
import { apiUrls, bearer } from '../../src/graphql/urls';

describe('API endpoints', () => {
  it('same origin over HTTP and WebSocket, TLS kept', () => {
    expect(apiUrls('http://localhost:4000')).toEqual({
      http: 'http://localhost:4000/graphql',
      ws: 'ws://localhost:4000/graphql',
    });
    expect(apiUrls('https://tandem.example.com/').ws).toBe('wss://tandem.example.com/graphql');
  });

  it('sends the key as a bearer token, without pasted whitespace', () => {
    expect(bearer('  tdm_abc\n')).toBe('Bearer tdm_abc');
  });
});

describe('labels', () => {
  it('counts with singular and plural', () => {
    expect(countOf(1, 'record')).toBe('1 record');
    expect(countOf(12000, 'record')).toBe('12,000 records');
    expect(kindLabel('INTEGRATION_RECORD_DELETED')).toBe('Deleted in integration');
  });
});
