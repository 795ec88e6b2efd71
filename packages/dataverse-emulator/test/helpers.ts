import { type EmulatorOptions, type RunningEmulator, startDataverseEmulator } from '../src/index.js';

export const schema: EmulatorOptions['schema'] = {
  entitySets: [
    {
      name: 'accounts',
      key: 'accountid',
      columns: [
        { name: 'name', type: 'string', maxLength: 20, required: true },
        { name: 'erp_id', type: 'string', maxLength: 20 },
        { name: 'revenue', type: 'decimal' },
        { name: 'employees', type: 'int' },
        { name: 'active', type: 'boolean' },
        { name: 'foundedon', type: 'datetime' },
      ],
      alternateKeys: [['erp_id']],
    },
  ],
};

export async function start(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startDataverseEmulator({ schema, seed: 1, ...options });
}

export async function tokenFor(emulator: RunningEmulator): Promise<string> {
  const response = await fetch(emulator.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emulator.client.clientId,
      client_secret: emulator.client.clientSecret,
      scope: `${emulator.url}/.default`,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A small client: every call carries the bearer token and JSON headers. */
export function client(emulator: RunningEmulator, token: string) {
  return (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${emulator.apiUrl}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
}
