/**
 * The sidebar model: view functions and the ETag-polling ProjectFlowModel.
 */
jest.mock('../request', () => ({ requestAPI: jest.fn() }));

import {
  formatNumber,
  gateBadge,
  monitoringAlert,
  newEvents,
  pickerLabel,
  runTabTitle,
  waitingFor,
  integrityBanner,
  jobText,
  modelTestLines,
  segmentLines,
  phaseList,
  ProjectFlowModel,
  projectForPath,
  signers,
  stepsByTrack,
  voilaUrl
} from '../model';
import { requestAPI } from '../request';
import { runPhase } from '../runs';
import { job, status } from './fixtures';

const request = requestAPI as jest.MockedFunction<typeof requestAPI>;
const answer = (data: unknown, code = 200, etag: string | null = null) => Promise.resolve({ status: code, data, etag });

beforeEach(() => request.mockReset());

describe('view functions', () => {
  it('marks the current phase and lists only phases with a notebook', () => {
    const phases = phaseList(status({ phase: 'research' }));
    expect(phases.map(p => [p.name, p.current])).toEqual([['scoping', false], ['research', true]]);
  });

  it('lists the work phases of a flow file, also one without a notebook', () => {
    const s = status();
    s.phases = [
      { name: 'scoping', title: 'Scoping', number: 1, gate: 'scope_approval', notebook: '01_scoping.ipynb', terminal: false, kind: 'work' },
      { name: 'security', title: 'Security', number: 2, gate: 'security_review', notebook: null, terminal: false, kind: 'work' },
      { name: 'delivered', title: 'Delivered', number: 5, gate: null, notebook: null, terminal: false, kind: 'done' }
    ];
    expect(phaseList(s).map(p => [p.name, p.notebook, p.gate])).toEqual([
      ['scoping', '01_scoping.ipynb', 'scope_approval'],
      ['security', null, 'security_review']
    ]);
  });

  it('groups a phase\'s steps by track in the flow\'s order', () => {
    const groups = stepsByTrack(status(), 'scoping');
    expect(groups.map(g => [g.track, g.steps.map(s => s.id)])).toEqual([
      ['product', ['1.1', '1.4', '1.5']],
      ['data_science', ['1.4']],
      ['data_engineering', ['1.3']]
    ]);
  });

  it('maps every gate state to a badge', () => {
    expect(gateBadge('approved')).toEqual({ label: 'approved', kind: 'fresh' });
    expect(gateBadge('stale').kind).toBe('stale');
    expect(gateBadge('pending').kind).toBe('pending');
    expect(gateBadge('changes_requested')).toEqual({ label: 'changes requested', kind: 'changes-requested' });
    expect(gateBadge('lapsed')).toEqual({ label: 'lapsed', kind: 'stale' });
  });

  it('prints the server label, so an approval on an unverified signature says so', () => {
    expect(gateBadge('approved', 'approved (unverified)')).toEqual({ label: 'approved (unverified)', kind: 'fresh' });
  });

  it('marks a sign-off that is recorded but not counted', () => {
    const s = status();
    s.gates.scope_approval.signoffs = [
      { seq: 4, at: 't', name: 'pat', role: 'product', verified: false, decision: 'approve', comment: '', fresh: true,
        counts: false, note: 'not counted: pat has a verified sign-off' }
    ];
    expect(signers(s, 'scope_approval')).toEqual(['pat (product): approve, unverified, not counted']);
  });

  it('says who signed, with unverified and stale marks', () => {
    const s = status();
    s.gates.scope_approval.signoffs = [
      { seq: 3, at: 't', name: 'product owner', role: 'product', verified: false, decision: 'request_changes', comment: 'x', fresh: false }
    ];
    expect(signers(s, 'scope_approval')).toEqual(['product owner (product): request changes, unverified, stale']);
    expect(signers(s, 'nope')).toEqual([]);
  });

  it('lists the latest model test against the targets', () => {
    const s = status({
      latest_model_test: {
        seq: 9, at: 't', model: 'gbm', passed: false,
        results: [
          { kpi: 'k', metric: 'roc_auc', hardness: 'hard', comparator: '>=', target: 0.8, dataset: 'holdout', value: 0.75, outcome: 'failed' },
          { kpi: 'k', metric: 'recall', hardness: 'hard', comparator: '>=', target: null, dataset: '', value: null, outcome: 'not_measured' }
        ]
      }
    });
    expect(modelTestLines(s)).toEqual(['roc_auc: 0.75 (target at least 0.8) — failed', 'recall: not measured — not measured']);
    expect(modelTestLines(status())).toEqual([]);
  });

  it('rounds model-test numbers to three significant digits, and prefers the server display strings', () => {
    const s = status({
      latest_model_test: {
        seq: 9, at: 't', model: 'gbm', passed: true,
        results: [
          { kpi: 'k', metric: 'roc_auc', hardness: 'hard', comparator: '>=', target: 0.8, dataset: '', value: 0.8465841601763933, outcome: 'passed' },
          { kpi: 'k', metric: 'mae', hardness: 'hard', comparator: '<=', target: 1250, dataset: '', value: 1249.6, outcome: 'passed' },
          { kpi: 'k', metric: 'recall', hardness: 'hard', comparator: '>=', target: 0.5, dataset: '', value: 0.61234, outcome: 'passed',
            display: '61%', target_display: 'at least 50%' }
        ]
      }
    });
    expect(modelTestLines(s)).toEqual([
      'roc_auc: 0.847 (target at least 0.8) — passed',
      'mae: 1,250 (target at most 1,250) — passed',
      'recall: 61% (target at least 50%) — passed'
    ]);
    expect([formatNumber(0.0012345), formatNumber(42), formatNumber(null)]).toEqual(['0.00123', '42', 'not measured']);
  });

  it('finds the gates of the current phase waiting on my roles, and a monitoring alert', () => {
    const attention = {
      monitoring_alert: false, roles: [] as string[], waiting_for_you: [] as string[],
      waiting: [{ gate: 'scope_approval', title: 'Scope & KPIs approval', state: 'pending', roles: ['product', 'data_science'] }]
    };
    const waiting = status({ attention });
    expect(waitingFor(waiting, ['product']).map(w => [w.gate, w.step, w.roles])).toEqual([['scope_approval', '1.5', ['product']]]);
    expect(waitingFor(waiting, ['customer_success'])).toEqual([]);
    expect(waitingFor(waiting, [])).toEqual([]);
    // the server's identity places me in a role: no setting needed
    const known = status({ attention: { ...attention, roles: ['product'], waiting_for_you: ['scope_approval'] } });
    expect(waitingFor(known, []).map(w => w.gate)).toEqual(['scope_approval']);
    expect(waitingFor(status(), ['product'])).toEqual([]); // the server says nothing waits
    expect(monitoringAlert(status())).toBeNull();
    const alerting = status({ attention: { ...attention, monitoring_alert: true },
      monitoring: { state: 'alerting', alert: { seq: 4, at: 't', finding: 'covariate shift in device', drifted_columns: [] } } });
    expect(monitoringAlert(alerting)).toBe('covariate shift in device');
  });

  it('names a run output tab after the run, not the template', () => {
    expect(runTabTitle('churn-risk/runs/research/20261201T234012-ab12cd/02_research.ipynb')).toBe('research run 2026-12-01 23:40');
    expect(runTabTitle('churn-risk/workbooks/02_research.ipynb')).toBeNull();
  });

  it('labels picker rows by what they need', () => {
    const row = { path: 'a', name: 'Churn', phase: 'research', phase_title: 'Research', attention: 'overrun', reason: '',
      days_in_phase: 3, timebox: { state: 'overrun', ends: null, days_left: -2, text: '' }, waiting: [], monitoring: 'unwatched',
      alert: '', error: '' };
    expect(pickerLabel(row)).toBe('Churn — timebox overrun');
    expect(pickerLabel({ ...row, attention: 'on_track' })).toBe('Churn');
  });

  it('toasts the events after the last seq seen, once: none the first time, then only new ones', async () => {
    const store = new Map<string, number>();
    const seqs = { get: (p: string) => store.get(p) ?? null, set: (p: string, n: number) => void store.set(p, n) };
    const ev = { seq: 8, at: 't', kind: 'sign_off', actor: 'product owner', level: 'info', text: 'approve scope_approval' };
    request.mockReturnValueOnce(answer({ path: 'a', last_seq: 7, events: [], more: 0 }));
    expect((await newEvents('a', seqs)).events).toEqual([]);
    expect(request.mock.calls[0][0]).toBe('projects/a/events');
    request.mockReturnValueOnce(answer({ path: 'a', last_seq: 8, events: [ev], more: 0 }));
    expect((await newEvents('a', seqs)).events).toEqual([ev]);
    expect(request.mock.calls[1][0]).toBe('projects/a/events?after=7');
    request.mockReturnValueOnce(answer({ path: 'a', last_seq: 8, events: [], more: 0 }));
    expect((await newEvents('a', seqs)).events).toEqual([]);
    expect(request.mock.calls[2][0]).toBe('projects/a/events?after=8');
  });

  it('counts the segments meeting each hard metric', () => {
    const s = status({
      segments_total: 5,
      segments_passed: 3,
      segments: {
        roc_auc: { kpi: 'k', metric: 'roc_auc', comparator: '>=', target: 0.8, passed: 4, failed: 1, not_measured: 0, total: 5, failing: ['central'] },
        recall: { kpi: 'k', metric: 'recall', comparator: '>=', target: 0.5, passed: 3, failed: 1, not_measured: 1, total: 5, failing: ['central'] }
      }
    });
    expect(segmentLines(s)).toEqual({
      headline: 'Per segment: 3 of 5 segments meet every hard metric',
      lines: [
        'roc_auc >= 0.8: 4 of 5 meet (failing: central)',
        'recall >= 0.5: 3 of 5 meet, 1 not measured (failing: central +1 more)'
      ]
    });
    expect(segmentLines(status())).toBeNull();
  });

  it('describes a job\'s progress and its failing cell', () => {
    expect(jobText(job({ state: 'running', done_cells: 3, total_cells: 12 }))).toBe('research: running, 3/12 cells');
    expect(jobText(job({ state: 'running' }))).toBe('research: starting');
    expect(
      jobText(job({ state: 'failed', error: { code: 'workbook_failed', message: 'm', cell_index: 4, ename: 'KeyError', evalue: "'x'" } }))
    ).toBe("research failed in cell 4: KeyError: 'x'");
    expect(jobText(job({ state: 'failed', error: { code: 'internal_error', message: 'boom' } }))).toBe('research failed: boom');
  });

  it('finds the project of a notebook by the longest path prefix', () => {
    const projects = [{ path: 'a', name: 'A' }, { path: 'a/b', name: 'B' }, { path: 'ab', name: 'AB' }];
    expect(projectForPath(projects, 'a/b/workbooks/01_scoping.ipynb')?.name).toBe('B');
    expect(projectForPath(projects, 'a/x.ipynb')?.name).toBe('A');
    expect(projectForPath(projects, 'abc/x.ipynb')).toBeNull();
  });

  it('builds Voilà render URLs under the base URL', () => {
    expect(voilaUrl('/user/x/', 'team/churn risk', 'signoff', { gate: 'scope_approval' })).toBe(
      '/user/x/voila/render/team/churn%20risk/workbooks/dashboards/signoff.ipynb?gate=scope_approval'
    );
    expect(voilaUrl('/', '', 'overview')).toBe('/voila/render/workbooks/dashboards/overview.ipynb');
  });
});

describe('ProjectFlowModel', () => {
  it('emits on a changed status and stays quiet on a 304', async () => {
    const model = new ProjectFlowModel();
    const seen: string[] = [];
    model.onChange(() => seen.push(model.status?.gates.scope_approval.state ?? 'none'));
    request.mockReturnValueOnce(answer(status(), 200, '"e1"'));
    await model.setProject('churn-risk');
    request.mockReturnValueOnce(answer(null, 304, '"e1"'));
    expect(await model.refresh()).toBe(false);
    const approved = status();
    approved.gates.scope_approval.state = 'approved';
    request.mockReturnValueOnce(answer(approved, 200, '"e2"'));
    expect(await model.refresh()).toBe(true);
    expect(seen).toEqual(['none', 'pending', 'approved']);
    expect(request.mock.calls[1][1]).toEqual({ headers: { 'If-None-Match': '"e1"' } });
  });

  it('keeps the error message when the server refuses', async () => {
    const model = new ProjectFlowModel();
    request.mockRejectedValueOnce(new Error('No phasebook project at or above x'));
    await model.setProject('x');
    expect(model.error).toBe('No phasebook project at or above x');
    expect(model.status).toBeNull();
  });

  it('follows a notebook into its project, reloading the list once', async () => {
    const model = new ProjectFlowModel();
    request.mockReturnValueOnce(answer({ projects: [{ path: 'churn-risk', name: 'churn-risk' }] }));
    request.mockReturnValueOnce(answer(status(), 200, '"e1"'));
    await model.followFile('churn-risk/workbooks/01_scoping.ipynb');
    expect(model.projectPath).toBe('churn-risk');
    expect(model.status?.name).toBe('churn-risk');
  });
});

describe('runPhase', () => {
  it('polls the job until it ends, reporting each change', async () => {
    request.mockReturnValueOnce(answer(job({ state: 'queued' }), 202));
    request.mockReturnValueOnce(answer(job({ state: 'running', done_cells: 1, total_cells: 2 })));
    request.mockReturnValueOnce(answer(job({ state: 'running', done_cells: 1, total_cells: 2 })));
    request.mockReturnValueOnce(answer(job({ state: 'succeeded', done_cells: 2, total_cells: 2, result: { output_path: 'o.ipynb' } })));
    const updates: string[] = [];
    const done = await runPhase('churn-risk', 'research', j => updates.push(`${j.state}:${j.done_cells}`), {
      wait: () => Promise.resolve()
    });
    expect(done.result?.output_path).toBe('o.ipynb');
    expect(updates).toEqual(['queued:0', 'running:1', 'succeeded:2']);
  });
});

describe('integrityBanner', () => {
  it('is null when the journal passes, or the server does not say', () => {
    expect(integrityBanner(status())).toBeNull();
    expect(integrityBanner(status({ integrity: { ok: true, check: '', message: '' } }))).toBeNull();
  });

  it('names the failed check with the verify message', () => {
    const text = integrityBanner(
      status({ integrity: { ok: false, check: 'content hash', message: 'entry 2 (line 2) fails the content hash check.' } })
    );
    expect(text).toContain('Journal integrity check failed');
    expect(text).toContain('entry 2 (line 2) fails the content hash check.');
  });
});
