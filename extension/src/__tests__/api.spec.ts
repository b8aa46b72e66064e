/**
 * The typed API layer over the one request function (mocked).
 */
jest.mock('../request', () => ({ requestAPI: jest.fn() }));

import * as api from '../api';
import { PhasebookRequestError } from '../errors';
import { requestAPI } from '../request';
import { job, status } from './fixtures';

const request = requestAPI as jest.MockedFunction<typeof requestAPI>;

function answer(data: unknown, code = 200, etag: string | null = null) {
  return Promise.resolve({ status: code, data, etag });
}

beforeEach(() => request.mockReset());

describe('encodeProjectPath', () => {
  it('keeps slashes between encoded segments and sends the root as %2E%2F (a browser drops %2E)', () => {
    expect(api.encodeProjectPath('team/churn risk')).toBe('team/churn%20risk');
    expect(api.encodeProjectPath('')).toBe('%2E%2F');
    expect(new URL('http://h/phasebook/projects/' + api.encodeProjectPath('') + '/status').pathname).toBe(
      '/phasebook/projects/%2E%2F/status'
    );
    expect(new URL('http://h/phasebook/projects/%2E/status').pathname).toBe('/phasebook/projects/status');
    expect(api.encodeProjectPath('/a/')).toBe('a');
  });
});

describe('calls', () => {
  it('creates a project with a JSON POST to projects', async () => {
    request.mockReturnValueOnce(answer({ path: 'p', name: 'P', scoping_notebook: 'p/workbooks/01_scoping.ipynb' }, 201));
    const created = await api.createProject('p', 'P');
    expect(created.scoping_notebook).toBe('p/workbooks/01_scoping.ipynb');
    expect(request).toHaveBeenCalledWith('projects', { method: 'POST', body: JSON.stringify({ path: 'p', name: 'P' }) });
  });

  it('sends the last ETag and reports an unchanged status as null', async () => {
    request.mockReturnValueOnce(answer(null, 304, '"e1"'));
    const result = await api.getStatus('churn-risk', '"e1"');
    expect(result).toEqual({ status: null, etag: '"e1"' });
    expect(request).toHaveBeenCalledWith('projects/churn-risk/status', { headers: { 'If-None-Match': '"e1"' } });
  });

  it('returns a changed status with its new ETag', async () => {
    request.mockReturnValueOnce(answer(status(), 200, '"e2"'));
    const result = await api.getStatus('churn-risk', '"e1"');
    expect(result.status?.phase).toBe('scoping');
    expect(result.etag).toBe('"e2"');
  });

  it('starts a run with the phase and parameters, then reads it by id', async () => {
    request.mockReturnValueOnce(answer(job({ state: 'queued' }), 202));
    request.mockReturnValueOnce(answer(job({ state: 'succeeded' })));
    const started = await api.startRun('churn-risk', 'research', { seed: 1 });
    const read = await api.getRun('churn-risk', started.id);
    expect(request.mock.calls[0]).toEqual([
      'projects/churn-risk/runs',
      { method: 'POST', body: JSON.stringify({ phase: 'research', parameters: { seed: 1 }, force: false }) }
    ]);
    expect(request.mock.calls[1][0]).toBe('projects/churn-risk/runs/abc123def456');
    expect(read.state).toBe('succeeded');
  });

  it('lists projects', async () => {
    request.mockReturnValueOnce(answer({ projects: [{ path: 'a', name: 'A' }] }));
    expect(await api.listProjects()).toEqual([{ path: 'a', name: 'A' }]);
  });
});

describe('checkServer (the version handshake)', () => {
  it('is ok when the API versions match', async () => {
    request.mockReturnValueOnce(answer({ name: 'phasebook', version: '0.1.0', api_version: api.API_VERSION, voila: true }));
    const result = await api.checkServer();
    expect(result.ok).toBe(true);
    expect(result.message).toBe('phasebook 0.1.0');
  });

  it('turns a missing server extension (404) into what to run', async () => {
    request.mockRejectedValueOnce(new PhasebookRequestError(404, 'http_404', 'Not Found'));
    const result = await api.checkServer();
    expect(result.ok).toBe(false);
    expect(result.message).toContain('jupyter server extension enable phasebook');
  });

  it('says which side to upgrade when the versions differ', async () => {
    request.mockReturnValueOnce(answer({ name: 'phasebook', version: '9.0.0', api_version: api.API_VERSION + 1, voila: false }));
    const result = await api.checkServer();
    expect(result.ok).toBe(false);
    expect(result.message).toContain('reinstall phasebook');
  });

  it('reports another failure with its message', async () => {
    request.mockRejectedValueOnce(new PhasebookRequestError(0, 'network_error', 'Cannot reach the Jupyter server'));
    const result = await api.checkServer();
    expect(result.message).toContain('Cannot reach the Jupyter server');
  });
});
