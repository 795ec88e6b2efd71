/** One Web API call, from the HTTP server or from a part of a `$batch`; handlers are synchronous. */
export interface ApiRequest {
  method: string;
  /** The path and query after the Web API root, e.g. `/accounts(…)?$select=name`. */
  target: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value, or a string sent as is (with its own Content-Type header). */
  body?: unknown;
}

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};
