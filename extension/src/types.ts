/**
 * The JSON shapes of the phasebook server routes (see src/phasebook/server).
 */

/** `GET /phasebook/info`: versions for the handshake. */
export interface IServerInfo {
  name: string;
  version: string;
  api_version: number;
  voila: boolean;
}

/** One entry of `GET /phasebook/projects`. */
export interface IProjectRef {
  path: string;
  name: string;
  error?: string;
}

/** `POST /phasebook/projects`. */
export interface ICreatedProject {
  path: string;
  name: string;
  scoping_notebook: string;
}

export type GateState =
  | 'pending'
  | 'approved'
  | 'stale'
  | 'changes_requested'
  | 'rejected'
  | 'lapsed';

export interface ISignoff {
  seq: number;
  at: string;
  name: string;
  role: string | null;
  verified: boolean;
  decision: string;
  comment: string;
  fresh: boolean;
  /** False when recorded but not counted (a role the gate does not require, unverified under require_verified…). */
  counts?: boolean;
  /** Why it does not count (or what was acknowledged). */
  note?: string;
}

export interface IGateStatus {
  name: string;
  title: string;
  step: string;
  phase: string;
  state: GateState;
  roles: string[];
  missing_roles: string[];
  changed_sections: string[];
  signoffs: ISignoff[];
  /** What to print for the state: "approved (unverified)" when an approval rests on an unverified signature. */
  label?: string;
  unverified?: boolean;
  /** Plain sentences: why the gate is not approved (or only unverified). */
  reasons?: string[];
}

export interface IStepStatus {
  id: string;
  title: string;
  phase: string;
  tracks: string[];
  kind: string;
  status: 'done' | 'todo' | 'blocked';
  gate: string | null;
}

export interface IPhase {
  name: string;
  title: string;
  number: number;
  gate: string | null;
  notebook: string | null;
  terminal: boolean;
  /** What the phase means to transitions: work (closed by a gate), done, upkeep, stopped. */
  kind?: string;
}

export interface IMetricResult {
  kpi: string;
  metric: string;
  hardness: 'hard' | 'soft';
  comparator: '>=' | '<=';
  target: number | null;
  dataset: string;
  value: number | null;
  outcome: string;
  /** The value as people read it, when the server gives one (rounded to what matters). */
  display?: string;
  /** The target as people read it ("at least 0.8"), when the server gives one. */
  target_display?: string;
}

/** The project's monitoring as the status folds it (core/monitoring.py). */
export interface IMonitoring {
  state: 'unwatched' | 'quiet' | 'alerting' | 'acknowledged' | 'failed' | string;
  checks?: number;
  alert?: { seq: number; at: string; finding: string; drifted_columns: string[] } | null;
  proposal?: string[];
}

/** One row of `GET /phasebook/portfolio` (core/portfolio.py): a project and what it needs. */
export interface IPortfolioRow {
  path: string;
  name: string;
  phase: string;
  phase_title: string;
  /** unreadable | overrun | waiting | alerting | failing | on_track | finished (most urgent first). */
  attention: string;
  reason: string;
  days_in_phase: number | null;
  timebox: { state: string; ends: string | null; days_left: number | null; text: string };
  waiting: { gate: string; title: string; step: string; state: string; roles: string[] }[];
  monitoring: string;
  alert: string;
  error: string;
}

/** `GET /phasebook/portfolio`. */
export interface IPortfolio {
  root: string;
  at: string;
  truncated: boolean;
  projects: IPortfolioRow[];
}

/** One journal event JupyterLab toasts (core/lab_events.py). */
export interface ILabEvent {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  level: 'info' | 'error';
  text: string;
}

/** `GET /phasebook/projects/{path}/events?after=SEQ`. */
export interface ILabEvents {
  path: string;
  last_seq: number;
  events: ILabEvent[];
  more: number;
}

export interface IModelTest {
  seq: number;
  at: string;
  model?: string;
  passed?: boolean;
  results?: IMetricResult[];
  [key: string]: unknown;
}

export interface IRunRecord {
  seq: number;
  at: string;
  phase?: string;
  status?: string;
  output_path?: string | null;
  run_id?: string;
  [key: string]: unknown;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'cached' | 'failed';

/** A background run started from the sidebar (`…/runs/{id}`). */
export interface IRunJob {
  id: string;
  project: string;
  phase: string;
  state: JobState;
  done_cells: number;
  total_cells: number;
  parameters: Record<string, unknown>;
  result: { output_path?: string | null; status?: string; [key: string]: unknown } | null;
  error: {
    code: string;
    message: string;
    cell_index?: number | null;
    ename?: string | null;
    evalue?: string | null;
    output_path?: string | null;
  } | null;
}

/** How many segments' latest model test meets one hard metric (today's target). */
export interface ISegmentCounts {
  kpi: string;
  metric: string;
  comparator: string;
  target: number | null;
  passed: number;
  failed: number;
  not_measured: number;
  total: number;
  failing: string[];
}

/** `GET /phasebook/projects/{path}/status`. */
export interface IProjectStatus {
  name: string;
  path: string;
  flow_version: string;
  /** The hash of the flow the project follows, and the one the journal last recorded (they differ after a flow edit). */
  flow_hash?: string;
  flow_pinned_hash?: string | null;
  /** Gates whose policy changed since the recorded flow (their approvals are stale). */
  flow_gates_changed?: string[];
  phase: string;
  previous_phase: string | null;
  gates: Record<string, IGateStatus>;
  steps: IStepStatus[];
  phases: IPhase[];
  tracks: string[];
  /** Display titles of the flow's tracks (the flow file decides them). */
  track_titles?: Record<string, string>;
  latest_model_test: IModelTest | null;
  model_tests: number;
  /** Per-segment model tests (a model per customer / region): hard metric → counts. */
  segments?: Record<string, ISegmentCounts>;
  segments_total?: number;
  segments_passed?: number;
  recent_runs: IRunRecord[];
  jobs: IRunJob[];
  monitoring?: IMonitoring;
  /** What needs a person (core/attention.py): gates waiting and on whom, those waiting on the asker's roles, alerts. */
  attention?: {
    monitoring_alert: boolean;
    monitoring_finding?: unknown;
    waiting: { gate: string; title: string; state: string; roles: string[] }[];
    waiting_for_you: string[];
    roles: string[];
  };
  journal_entries: number;
  /** The journal's integrity check (chain, signatures, plan against journal), run on every status read. */
  integrity?: { ok: boolean; check: string; message: string };
}
