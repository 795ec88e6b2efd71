/**
 * A person using the demo's CRM (the Dataverse emulator) through its Web API, as any other client of
 * Dataverse would: an OAuth2 client-credentials token from the token endpoint, then plain HTTP on
 * `/api/data/v9.2/…`. Seeding, the activity simulator and tests use it; Tandem's own connector never does.
 */
export interface CrmUserCredentials {
  /** The environment URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** `url + '/api/data/v9.2'`. */
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** An answer the Web API gave with an error status (429 included: a person's client just tries later). */
export class CrmUserRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    request: string,
  ) {
    super(`${request}: ${status} ${body.slice(0, 300)}`);
    this.name = 'CrmUserRequestError';
  }
}

export type CrmRow = Record<string, unknown>;

export class CrmUser {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(readonly credentials: CrmUserCredentials) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const { tokenUrl, clientId, clientSecret, url } = this.credentials;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: `${url}/.default`,
      }),
    });
    const text = await response.text();
    if (!response.ok) throw new CrmUserRequestError(response.status, text, `POST ${tokenUrl}`);
    const body = JSON.parse(text) as { access_token: string; expires_in: number };
    // A minute early, as a careful client does.
    this.token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in - 60) * 1000 };
    return body.access_token;
  }

  /** One Web API request; returns the answer of a 2xx, throws `CrmUserRequestError` otherwise. */
  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: { body?: string | CrmRow; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = /^https?:\/\//.test(path) ? path : `${this.credentials.apiUrl}/${path}`;
    const json = options.body !== undefined && typeof options.body !== 'string';
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${await this.accessToken()}`,
        Accept: 'application/json',
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
        ...(json ? { 'Content-Type': 'application/json' } : {}),
        ...options.headers,
      },
      body: json ? JSON.stringify(options.body) : (options.body as string | undefined),
    });
    if (response.status >= 400) {
      throw new CrmUserRequestError(response.status, await response.text(), `${method} ${path}`);
    }
    return response;
  }

  /** Every row of an entity set with the given columns, following `@odata.nextLink`. */
  async list(entitySet: string, select: string[], filter?: string): Promise<CrmRow[]> {
    const query = new URLSearchParams({ $select: select.join(',') });
    if (filter) query.set('$filter', filter);
    let next: string | null = `${entitySet}?${query.toString()}`;
    const rows: CrmRow[] = [];
    while (next) {
      const response = await this.request('GET', next, { headers: { Prefer: 'odata.maxpagesize=500' } });
      const page = (await response.json()) as { value: CrmRow[]; '@odata.nextLink'?: string };
      rows.push(...page.value);
      next = page['@odata.nextLink'] ?? null;
    }
    return rows;
  }

  /** Creates a record (`POST`); returns its id, from the `OData-EntityId` header. */
  async create(entitySet: string, values: CrmRow): Promise<string> {
    const response = await this.request('POST', entitySet, { body: values });
    const id = /\(([^)]+)\)$/.exec(response.headers.get('OData-EntityId') ?? '')?.[1];
    if (!id) throw new Error(`POST ${entitySet}: the answer names no OData-EntityId`);
    return id;
  }

  /** Updates an existing record (`PATCH` with `If-Match: *`, so that it never creates one). */
  async update(entitySet: string, id: string, values: CrmRow): Promise<void> {
    await this.request('PATCH', `${entitySet}(${id})`, { body: values, headers: { 'If-Match': '*' } });
  }

  async remove(entitySet: string, id: string): Promise<void> {
    await this.request('DELETE', `${entitySet}(${id})`);
  }

  /**
   * Creates many records in `$batch` requests of at most 100, each one change set (all or nothing), as an
   * import tool would: a few requests instead of one per record.
   */
  async createMany(entitySet: string, rows: CrmRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += 100) {
      const chunk = rows.slice(start, start + 100);
      const lines = ['--batch_demo', 'Content-Type: multipart/mixed; boundary=changeset_demo', ''];
      chunk.forEach((row, i) => {
        lines.push(
          '--changeset_demo',
          'Content-Type: application/http',
          'Content-Transfer-Encoding: binary',
          `Content-ID: ${i + 1}`,
          '',
          `POST ${this.credentials.apiUrl}/${entitySet} HTTP/1.1`,
          'Content-Type: application/json; type=entry',
          '',
          JSON.stringify(row),
        );
      });
      lines.push('--changeset_demo--', '--batch_demo--', '');
      const response = await this.request('POST', '$batch', {
        body: lines.join('\r\n'),
        headers: { 'Content-Type': 'multipart/mixed; boundary=batch_demo' },
      });
      const text = await response.text();
      const created = text.match(/HTTP\/1\.1 20[14]/g)?.length ?? 0;
      if (created !== chunk.length) throw new Error(`$batch of ${chunk.length} ${entitySet}: ${text.slice(0, 500)}`);
    }
  }
}
