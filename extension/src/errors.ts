/**
 * The error every failed phasebook request becomes (no JupyterLab import, so jest loads it as is).
 */

/** A request that failed; `code` and `message` come from the server's `{code, message}` body. */
export class PhasebookRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = 'PhasebookRequestError';
  }
}
