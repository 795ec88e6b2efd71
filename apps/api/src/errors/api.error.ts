/**
 * Base of every failure the API expects and reports as a typed result (the errors plugin turns it into a
 * member of the field's result union). Anything that is not an `ApiError` is unexpected and stays masked.
 */
export class ApiError extends Error {
  readonly code: string = 'API_ERROR';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
