/** Errors services raise for the caller's mistakes; the API layer maps them to 4xx codes. */
export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
  }
}

export class ConflictError extends Error {}

export class InvalidRequestError extends Error {}

/** The caller may not do this (e.g. claim a study they are not eligible to read); the message says why. */
export class NotAllowedError extends Error {}
