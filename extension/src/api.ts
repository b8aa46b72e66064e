/**
 * Typed calls of the phasebook routes, on top of the one `requestAPI`.
 *
 * Also the version handshake: `checkServer` turns a missing or mismatched
 * server extension into a message that says what to run.
 */
import { PhasebookRequestError } from './errors';
import { IResponse, requestAPI } from './request';
import {
  ICreatedProject,
  IGateStatus,
  ILabEvents,
  IPortfolio,
  IProjectRef,
  IProjectStatus,
  IRunJob,
  IServerInfo
} from './types';

/** The server API version this frontend speaks. */
export const API_VERSION = 1;

/**
 * A project path (relative to the server root) as one URL path part.
 *
 * The root is sent as `%2E%2F` ("./"): a browser drops a path segment that is
 * `.` or `%2E` before the request leaves (WHATWG URL dot segments), so
 * `projects/%2E/status` would arrive as `projects/status`.
 */
export function encodeProjectPath(path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (clean === '' || clean === '.') {
    return '%2E%2F';
  }
  return clean.split('/').map(encodeURIComponent).join('/');
}

function json(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body) };
}

async function data<T>(promise: Promise<IResponse<T>>): Promise<T> {
  const response = await promise;
  return response.data as T;
}

export function getInfo(): Promise<IServerInfo> {
  return data(requestAPI<IServerInfo>('info'));
}

export async function listProjects(): Promise<IProjectRef[]> {
  const body = await data(requestAPI<{ projects: IProjectRef[] }>('projects'));
  return body.projects;
}

/** The projects under the server root, most in need of attention first. */
export function getPortfolio(): Promise<IPortfolio> {
  return data(requestAPI<IPortfolio>('portfolio'));
}

/**
 * The journal events to toast after seq `after`; without `after`, none (only the journal's last seq).
 */
export function getEvents(path: string, after?: number | null): Promise<ILabEvents> {
  const query = after === undefined || after === null ? '' : `?after=${encodeURIComponent(String(after))}`;
  return data(requestAPI<ILabEvents>(`projects/${encodeProjectPath(path)}/events${query}`));
}

export function createProject(path: string, name?: string): Promise<ICreatedProject> {
  return data(requestAPI<ICreatedProject>('projects', json('POST', { path, name })));
}

/**
 * The project's status; with `etag`, a null `status` means "unchanged since".
 */
export async function getStatus(
  path: string,
  etag?: string | null
): Promise<{ status: IProjectStatus | null; etag: string | null }> {
  const init: RequestInit = etag ? { headers: { 'If-None-Match': etag } } : {};
  const response = await requestAPI<IProjectStatus>(
    `projects/${encodeProjectPath(path)}/status`,
    init
  );
  return {
    status: response.status === 304 ? null : response.data,
    etag: response.etag ?? etag ?? null
  };
}

export async function getSignoffs(path: string): Promise<Record<string, IGateStatus>> {
  const body = await data(
    requestAPI<{ gates: Record<string, IGateStatus> }>(
      `projects/${encodeProjectPath(path)}/signoffs`
    )
  );
  return body.gates;
}

export function startRun(
  path: string,
  phase: string,
  parameters: Record<string, unknown> = {},
  force = false
): Promise<IRunJob> {
  return data(
    requestAPI<IRunJob>(
      `projects/${encodeProjectPath(path)}/runs`,
      json('POST', { phase, parameters, force })
    )
  );
}

export function getRun(path: string, id: string): Promise<IRunJob> {
  return data(requestAPI<IRunJob>(`projects/${encodeProjectPath(path)}/runs/${encodeURIComponent(id)}`));
}

/** The result of the version handshake. */
export interface IHandshake {
  ok: boolean;
  info: IServerInfo | null;
  message: string;
}

/**
 * Ask `GET /phasebook/info`; say what to do when the server side is missing or too old.
 */
export async function checkServer(): Promise<IHandshake> {
  let info: IServerInfo;
  try {
    info = await getInfo();
  } catch (error) {
    if (error instanceof PhasebookRequestError && error.status === 404) {
      return {
        ok: false,
        info: null,
        message:
          'The phasebook server extension is not enabled on this Jupyter server. ' +
          'Run `jupyter server extension enable phasebook` (or reinstall with `pip install phasebook`) ' +
          'and restart JupyterLab.'
      };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, info: null, message: `The phasebook server extension did not answer: ${reason}` };
  }
  if (info.api_version !== API_VERSION) {
    const fix =
      info.api_version > API_VERSION
        ? 'The browser side is older: rebuild or reinstall phasebook (`pip install -U phasebook`) and reload the page.'
        : 'The server side is older: run `pip install -U phasebook` and restart JupyterLab.';
    return {
      ok: false,
      info,
      message: `phasebook's server speaks API ${info.api_version}, this page speaks ${API_VERSION}. ${fix}`
    };
  }
  return { ok: true, info, message: `phasebook ${info.version}` };
}
