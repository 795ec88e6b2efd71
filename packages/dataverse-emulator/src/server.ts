import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenIssuer } from './auth.js';
import { handleBatch } from './batch/batch-handler.js';
import { formatRow } from './entity-operations.js';
import { DataverseError, ErrorCodes } from './errors.js';
import { FaultInjector, seededRandom } from './faults.js';
import { type ApiResponse, STATUS_TEXT } from './http/api-types.js';
import { parseSchema, type ResolvedEntitySet, resolveEntitySet } from './schema.js';
import { ServiceProtection } from './service-protection.js';
import { Store } from './store.js';
import type { EmulatorOptions, EmulatorStats, RunningEmulator } from './types.js';
import { WebApi } from './web-api.js';

export const API_PATH = '/api/data/v9.2';
export const TOKEN_PATH = '/oauth2/v2.0/token';
const DEFAULT_CLIENT = { clientId: 'tandem-emulator', clientSecret: 'emulator-secret' };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = { 'OData-Version': '4.0', ...response.headers };
  let payload = '';
  if (response.body !== undefined) {
    if (typeof response.body === 'string') payload = response.body;
    else {
      payload = JSON.stringify(response.body);
      headers['Content-Type'] ??= 'application/json; odata.metadata=minimal';
    }
  }
  res.writeHead(response.status, STATUS_TEXT[response.status] ?? '', headers);
  res.end(payload);
}

/** Starts the emulator on loopback (a free port by default) and resolves once it listens. */
export async function startDataverseEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const schema = parseSchema(options.schema);
  const resolved = schema.entitySets.map(resolveEntitySet);
  const sets = new Map<string, ResolvedEntitySet>(resolved.map((s) => [s.name, s]));
  const store = new Store(options.database, resolved);
  const clients = options.clients?.length ? options.clients : [DEFAULT_CLIENT];
  const auth = new TokenIssuer(clients, options.tokenLifetimeSeconds ?? 3600);
  const protection = new ServiceProtection(options.limits);
  const faults = new FaultInjector({ ...options.faults }, seededRandom(options.seed ?? Date.now()));
  const stats: EmulatorStats = {
    requests: 0,
    throttled: 0,
    serverErrors: 0,
    dropped: 0,
    unauthorized: 0,
    batchOperations: 0,
    maxConcurrent: 0,
  };
  let inFlight = 0;
  const ctx = { store, apiUrl: '', now: () => Date.now() };
  const api = new WebApi(ctx, sets, options.modifiedOnPrecision ?? 'seconds');

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator.invalid');
      const body = await readBody(req);
      if (url.pathname === TOKEN_PATH && req.method === 'POST') {
        const issued = auth.issue(new URLSearchParams(body));
        res.writeHead(issued.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(issued.body));
        return;
      }
      if (!url.pathname.startsWith(API_PATH)) {
        send(res, { status: 404, headers: {}, body: new DataverseError(404, ErrorCodes.badQuery, 'Not found').body() });
        return;
      }
      stats.requests++;
      const who = auth.check(req.headers.authorization);
      if ('problem' in who) {
        stats.unauthorized++;
        const detail =
          who.problem === 'missing' ? '' : `, error="invalid_token", error_description="token ${who.problem}"`;
        res.writeHead(401, {
          'WWW-Authenticate': `Bearer authorization_uri=${ctx.apiUrl.replace(API_PATH, '')}${TOKEN_PATH}${detail}`,
        });
        res.end();
        return;
      }
      let release: (ms: number) => void;
      try {
        release = protection.admit(who.clientId);
      } catch (error) {
        stats.throttled++;
        const e = error as DataverseError;
        send(res, { status: e.status, headers: e.headers, body: e.body() });
        return;
      }
      inFlight++;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
      const started = Date.now();
      try {
        const latency = faults.faults.latencyMs ?? 0;
        if (latency > 0) await new Promise((r) => setTimeout(r, latency));
        const decision = faults.decide();
        if (decision === 'drop' && !faults.faults.dropAfterProcessing) {
          stats.dropped++;
          req.socket.destroy();
          return;
        }
        if (decision === 'server-error') {
          stats.serverErrors++;
          const e = new DataverseError(500, ErrorCodes.unexpected, 'An unexpected error occurred (injected fault).');
          send(res, { status: 500, headers: {}, body: e.body() });
          return;
        }
        const target = url.pathname.slice(API_PATH.length) + url.search;
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
        );
        let response: ApiResponse;
        if (url.pathname === `${API_PATH}/$batch` && req.method === 'POST') {
          response = handleBatch(api, store, headers, body, (n) => {
            stats.batchOperations += n;
          });
        } else {
          response = api.handle({ method: req.method ?? 'GET', target, headers, body });
        }
        if (decision === 'drop') {
          stats.dropped++;
          req.socket.destroy();
          return;
        }
        response.headers['x-ms-ratelimit-burst-remaining-xrm-requests'] = String(protection.remaining(who.clientId));
        send(res, response);
      } finally {
        inFlight--;
        release(Date.now() - started);
      }
    } catch (error) {
      if (!res.headersSent) {
        const e = new DataverseError(500, ErrorCodes.unexpected, `Unexpected error: ${(error as Error).message}`);
        send(res, { status: 500, headers: {}, body: e.body() });
      } else res.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  ctx.apiUrl = `${url}${API_PATH}`;

  const setByName = (name: string) => {
    const set = sets.get(name);
    if (!set) throw new Error(`Unknown entity set "${name}"; declared: ${[...sets.keys()].join(', ')}`);
    return set;
  };

  return {
    url,
    apiUrl: ctx.apiUrl,
    tokenUrl: `${url}${TOKEN_PATH}`,
    client: clients[0]!,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
    setFaults: (f) => {
      faults.faults = { ...f };
    },
    setLimits: (l) => protection.setLimits(l),
    stats: () => ({ ...stats }),
    rows: (name) => {
      const set = setByName(name);
      return store.select(`SELECT * FROM "${set.table}" ORDER BY "${set.key}"`, []).map((row) => {
        const { '@odata.etag': _etag, ...rest } = formatRow(set, row);
        return rest;
      });
    },
    expireDeltaTokens: () => store.expireDeltaTokens(),
    revokeTokens: () => auth.revokeAll(),
  };
}
