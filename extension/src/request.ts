/**
 * The one function that talks to the phasebook server extension.
 *
 * Every call goes through `requestAPI`, which joins the server's base URL
 * with the `phasebook` namespace (mirroring the Python route table) and
 * turns error bodies `{code, message}` into a `PhasebookRequestError`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { PhasebookRequestError } from './errors';

export { PhasebookRequestError };

/** The URL namespace of every phasebook route. */
export const NAMESPACE = 'phasebook';

/** What `requestAPI` resolves to: the HTTP status, the JSON body (null for 304) and the ETag. */
export interface IResponse<T> {
  status: number;
  data: T | null;
  etag: string | null;
}

/**
 * Call a phasebook route.
 *
 * @param endPoint - the path after `/phasebook/` (already URL-encoded).
 * @param init - fetch options (method, body, headers).
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<IResponse<T>> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new PhasebookRequestError(
      0,
      'network_error',
      `Cannot reach the Jupyter server (${String(error)}). Check that it is still running.`
    );
  }
  const etag = response.headers.get('Etag');
  if (response.status === 304) {
    return { status: 304, data: null, etag };
  }
  const text = await response.text();
  let data: any = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const code = data && data.code ? String(data.code) : `http_${response.status}`;
    const message =
      data && data.message
        ? String(data.message)
        : `${response.status} ${response.statusText} from ${url}`;
    throw new PhasebookRequestError(response.status, code, message);
  }
  return { status: response.status, data: data as T, etag };
}
