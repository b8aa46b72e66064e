/**
 * The sidebar's model: which project is shown, its status, running jobs,
 * and the pure functions that turn a status into what the sidebar renders.
 *
 * Nothing here touches the DOM or JupyterLab, so jest tests it with the
 * request function mocked.
 */
import * as api from './api';
import {
  GateState,
  ILabEvent,
  IPortfolioRow,
  IProjectRef,
  IProjectStatus,
  IRunJob,
  IStepStatus
} from './types';

/** What a gate badge says and its CSS modifier. */
export interface IBadge {
  label: string;
  kind: 'fresh' | 'stale' | 'pending' | 'changes-requested' | 'rejected';
}

const BADGES: Record<GateState, IBadge> = {
  approved: { label: 'approved', kind: 'fresh' },
  stale: { label: 'stale', kind: 'stale' },
  pending: { label: 'pending', kind: 'pending' },
  changes_requested: { label: 'changes requested', kind: 'changes-requested' },
  rejected: { label: 'rejected', kind: 'rejected' },
  lapsed: { label: 'lapsed', kind: 'stale' }
};

/** The badge of a gate state; ``label`` (the server's, e.g. "approved (unverified)") wins over the default text. */
export function gateBadge(state: GateState, label?: string): IBadge {
  const badge = BADGES[state] ?? { label: state, kind: 'pending' };
  return label ? { ...badge, label } : badge;
}

/** The red banner's text when the journal fails its integrity check (null when it passes or is not reported). */
export function integrityBanner(status: IProjectStatus): string | null {
  const check = status.integrity;
  if (!check || check.ok) {
    return null;
  }
  return `Journal integrity check failed — ${check.message} Decisions cannot be recorded until it is repaired.`;
}

/** "product owner (product) ✓ approve" lines for the signers of a gate, latest decision each. */
export function signers(status: IProjectStatus, gate: string): string[] {
  const g = status.gates[gate];
  if (!g) {
    return [];
  }
  return g.signoffs.map(s => {
    const who = s.role ? `${s.name} (${s.role})` : s.name;
    const verified = s.verified ? '' : ', unverified';
    const stale = s.fresh ? '' : ', stale';
    const counted = s.counts === false ? ', not counted' : '';
    return `${who}: ${s.decision.replace('_', ' ')}${verified}${stale}${counted}`;
  });
}

/** The steps of one phase grouped by track, in the flow's track order. */
export function stepsByTrack(
  status: IProjectStatus,
  phase: string
): { track: string; steps: IStepStatus[] }[] {
  const steps = status.steps.filter(s => s.phase === phase);
  return status.tracks
    .map(track => ({ track, steps: steps.filter(s => s.tracks.includes(track)) }))
    .filter(group => group.steps.length > 0);
}

/** Work phases in the flow's order (a flow file may add one without a notebook), with the current one marked. */
export function phaseList(
  status: IProjectStatus
): { name: string; title: string; notebook: string | null; gate: string | null; current: boolean }[] {
  return status.phases
    .filter(p => (p.kind ? p.kind === 'work' : Boolean(p.notebook)))
    .map(p => ({
      name: p.name,
      title: p.title,
      notebook: p.notebook,
      gate: p.gate,
      current: p.name === status.phase
    }));
}

/** A number as people read it: three significant digits, no trailing zeros ("0.847", "1,250", "0.0012"). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return 'not measured';
  }
  if (!Number.isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e6) {
    return value.toLocaleString('en-US');
  }
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/** The latest model test against its targets, one line a metric (the server's display strings when given). */
export function modelTestLines(status: IProjectStatus): string[] {
  const test = status.latest_model_test;
  if (!test || !test.results) {
    return [];
  }
  return test.results.map(r => {
    const value = r.display ?? formatNumber(r.value);
    const target =
      r.target_display ??
      (r.target === null || r.target === undefined
        ? 'no target'
        : `${r.comparator === '<=' ? 'at most' : 'at least'} ${formatNumber(r.target)}`);
    const outcome = r.outcome.replace(/_/g, ' ');
    return r.target === null && !r.target_display
      ? `${r.metric}: ${value} — ${outcome}`
      : `${r.metric}: ${value} (target ${target}) — ${outcome}`;
  });
}

/** A gate of the current phase waiting for one of `roles` (the person at the keyboard signs in them). */
export interface IWaitingGate {
  gate: string;
  title: string;
  step: string;
  roles: string[];
}

/**
 * The gates waiting for me: those the server places on my roles (`attention.waiting_for_you`, from the
 * identity), and those waiting on one of `roles` (the `myRoles` setting). The server decides which gates wait.
 */
export function waitingFor(status: IProjectStatus, roles: string[]): IWaitingGate[] {
  const a = status.attention;
  if (!a) {
    return [];
  }
  const mine = new Set([...(a.roles ?? []), ...roles]);
  return a.waiting
    .filter(w => a.waiting_for_you.includes(w.gate) || w.roles.some(r => mine.has(r)))
    .map(w => ({
      gate: w.gate,
      title: w.title,
      step: status.gates[w.gate]?.step ?? '',
      roles: w.roles.filter(r => mine.has(r))
    }));
}

/** The monitoring alert's sentence, or null when monitoring is not alerting (the server's `attention` decides). */
export function monitoringAlert(status: IProjectStatus): string | null {
  const alerting = status.attention ? status.attention.monitoring_alert : status.monitoring?.state === 'alerting';
  if (!alerting) {
    return null;
  }
  return status.monitoring?.alert?.finding || 'monitoring alert';
}

/** The picker's label of a portfolio row: "Churn risk — waiting for sign-off" (on track says nothing). */
export function pickerLabel(row: IPortfolioRow): string {
  const needs: Record<string, string> = {
    unreadable: 'cannot be read',
    overrun: 'timebox overrun',
    waiting: 'waiting for sign-off',
    alerting: 'monitoring alert',
    failing: 'misses a target'
  };
  const what = needs[row.attention];
  return what ? `${row.name} — ${what}` : row.name;
}

/** Where toasts remember the last journal seq seen, per project (localStorage in the browser). */
export interface ISeqStore {
  get(project: string): number | null;
  set(project: string, seq: number): void;
}

/** An `ISeqStore` in `storage` (the browser's localStorage) under `phasebook:last-seq:<project>`. */
export function storageSeqs(storage: Storage): ISeqStore {
  const key = (project: string) => `phasebook:last-seq:${project}`;
  return {
    get: project => {
      const v = storage.getItem(key(project));
      return v === null || !/^\d+$/.test(v) ? null : Number(v);
    },
    set: (project, seq) => storage.setItem(key(project), String(seq))
  };
}

/**
 * The journal events of `project` to toast now, at most once each: the events after the last seq this
 * browser saw (none the first time: only the seq is remembered), then the seq moves on.
 */
export async function newEvents(project: string, seqs: ISeqStore): Promise<{ events: ILabEvent[]; more: number }> {
  const seen = seqs.get(project);
  const body = await api.getEvents(project, seen);
  if (seen === null || body.last_seq !== seen) {
    seqs.set(project, body.last_seq);
  }
  return seen === null ? { events: [], more: 0 } : { events: body.events, more: body.more };
}

/** Per-segment model tests: a headline and one line per hard metric ("roc_auc >= 0.8: 4 of 5 segments meet"). */
export function segmentLines(status: IProjectStatus): { headline: string; lines: string[] } | null {
  const total = status.segments_total ?? 0;
  if (!total) {
    return null;
  }
  const plural = total === 1 ? 'segment meets' : 'segments meet';
  const headline = `Per segment: ${status.segments_passed ?? 0} of ${total} ${plural} every hard metric`;
  const lines = Object.values(status.segments ?? {}).map(c => {
    let line = `${c.metric} ${c.comparator} ${c.target === null ? 'no target' : formatNumber(c.target)}: ${c.passed} of ${c.total} meet`;
    if (c.not_measured) {
      line += `, ${c.not_measured} not measured`;
    }
    if (c.failing.length) {
      const more = c.failed + c.not_measured - c.failing.length;
      line += ` (failing: ${c.failing.join(', ')}${more > 0 ? ` +${more} more` : ''})`;
    }
    return line;
  });
  return { headline, lines };
}

/** Progress text of a job: "research: 3/12 cells" or its outcome. */
export function jobText(job: IRunJob): string {
  switch (job.state) {
    case 'queued':
      return `${job.phase}: queued`;
    case 'running':
      return job.total_cells > 0
        ? `${job.phase}: running, ${job.done_cells}/${job.total_cells} cells`
        : `${job.phase}: starting`;
    case 'succeeded':
    case 'cached':
      return `${job.phase}: ${job.state}`;
    case 'failed': {
      const e = job.error;
      if (e && e.cell_index !== null && e.cell_index !== undefined) {
        return `${job.phase} failed in cell ${e.cell_index}: ${e.ename}: ${e.evalue}`;
      }
      return `${job.phase} failed: ${e ? e.message : 'unknown error'}`;
    }
  }
}

export function isFinished(job: IRunJob): boolean {
  return job.state === 'succeeded' || job.state === 'cached' || job.state === 'failed';
}

/** The project holding `filePath`: the registered project with the longest matching prefix. */
export function projectForPath(projects: IProjectRef[], filePath: string): IProjectRef | null {
  let best: IProjectRef | null = null;
  for (const p of projects) {
    const inside = p.path === '' || filePath === p.path || filePath.startsWith(p.path + '/');
    if (inside && (best === null || p.path.length > best.path.length)) {
      best = p;
    }
  }
  return best;
}

/** Voilà's server-extension URL of a project's dashboard (overview, signoff, monitoring). */
export function voilaUrl(
  baseUrl: string,
  projectPath: string,
  dashboard: string,
  query: Record<string, string> = {}
): string {
  const parts = [projectPath, 'workbooks', 'dashboards', `${dashboard}.ipynb`]
    .filter(p => p !== '')
    .join('/')
    .split('/')
    .map(encodeURIComponent)
    .join('/');
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${base}voila/render/${parts}${qs ? '?' + qs : ''}`;
}

/**
 * The tab title of a run's output notebook (`…/runs/<phase>/<run id>/<notebook>`): "research run
 * 2026-12-01 23:40" instead of the template's file name; null for any other path.
 */
export function runTabTitle(path: string): string | null {
  const m = /(?:^|\/)runs\/([^/]+)\/([^/]+)\/[^/]+\.ipynb$/.exec(path);
  if (!m) {
    return null;
  }
  const [, phase, runId] = m;
  const t = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})/.exec(runId);
  const when = t ? `${t[1]}-${t[2]}-${t[3]} ${t[4]}:${t[5]}` : runId;
  return `${phase} run ${when}`;
}

/** Where a phase notebook of a project lives (relative to the server root). */
export function notebookPath(projectPath: string, notebook: string): string {
  return [projectPath, 'workbooks', notebook].filter(p => p !== '').join('/');
}

/**
 * The state behind the sidebar: the shown project, its latest status and ETag.
 *
 * `refresh()` asks for the status with the last ETag, so an unchanged
 * project costs the server a stat() and returns 304.
 */
export class ProjectFlowModel {
  projects: IProjectRef[] = [];
  /** The projects by attention (the portfolio), when the server gives it. */
  portfolio: IPortfolioRow[] = [];
  projectPath: string | null = null;
  status: IProjectStatus | null = null;
  error: string | null = null;
  private _etag: string | null = null;
  private _listeners: (() => void)[] = [];

  /** Call `listener` after every change; returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this._listeners.push(listener);
    return () => {
      this._listeners = this._listeners.filter(l => l !== listener);
    };
  }

  protected emit(): void {
    for (const listener of [...this._listeners]) {
      listener();
    }
  }

  async loadProjects(): Promise<IProjectRef[]> {
    this.projects = await api.listProjects();
    if (this.projects.length > 1) {
      this.portfolio = await api
        .getPortfolio()
        .then(p => p.projects)
        .catch(() => []);
    } else {
      this.portfolio = [];
    }
    this.emit();
    return this.projects;
  }

  /** Show the project at `path` (null: none); fetches its status. */
  async setProject(path: string | null): Promise<void> {
    if (path === this.projectPath && this.status) {
      return;
    }
    this.projectPath = path;
    this.status = null;
    this._etag = null;
    this.error = null;
    this.emit();
    await this.refresh();
  }

  /** Show the project holding `filePath`, if it is one of the known projects (reloads the list once). */
  async followFile(filePath: string): Promise<void> {
    let found = projectForPath(this.projects, filePath);
    if (!found) {
      await this.loadProjects();
      found = projectForPath(this.projects, filePath);
    }
    if (found) {
      await this.setProject(found.path);
    }
  }

  /** Re-read the status; emits only when it changed. Returns whether it changed. */
  async refresh(): Promise<boolean> {
    if (this.projectPath === null) {
      return false;
    }
    const path = this.projectPath;
    try {
      const { status, etag } = await api.getStatus(path, this._etag);
      if (path !== this.projectPath) {
        return false; // another project was chosen meanwhile
      }
      if (status === null) {
        return false;
      }
      this.status = status;
      this._etag = etag;
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this._etag = null;
    }
    this.emit();
    return true;
  }
}
