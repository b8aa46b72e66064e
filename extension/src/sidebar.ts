/**
 * The "Project flow" left sidebar: phases, steps by track, gates with their
 * badges and signers, the latest model test, runs and their outputs.
 *
 * A view only: every action goes back to the plugin through `ISidebarActions`
 * (which runs commands), every fact comes from `ProjectFlowModel`.
 */
import { Widget } from '@lumino/widgets';

import {
  integrityBanner,
  gateBadge,
  jobText,
  modelTestLines,
  monitoringAlert,
  pickerLabel,
  segmentLines,
  waitingFor,
  notebookPath,
  phaseList,
  ProjectFlowModel,
  signers,
  stepsByTrack
} from './model';
import { IRunJob } from './types';

export interface ISidebarActions {
  openFile(path: string): void;
  runPhase(phase: string): void;
  openDashboard(dashboard: string, gate?: string | null): void;
  chooseProject(path: string | null): void;
  refresh(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

function button(label: string, aria: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'jp-phasebook-button', label);
  b.type = 'button';
  b.setAttribute('aria-label', aria);
  b.title = aria;
  b.addEventListener('click', onClick);
  return b;
}

export class ProjectFlowPanel extends Widget {
  /** Jobs started from this page, by id, with their latest state. */
  readonly jobs = new Map<string, IRunJob>();
  message: string | null = null;
  /** The roles the person at the keyboard signs in (the `myRoles` setting): their waiting gates are badged. */
  roles: string[] = [];
  /** Phases the reader opened or closed, per project; a phase not in here is open only while current. */
  private _toggled = new Map<string, boolean>();

  constructor(
    readonly model: ProjectFlowModel,
    private _actions: ISidebarActions
  ) {
    super();
    this.id = 'phasebook-project-flow';
    this.addClass('jp-phasebook-Sidebar');
    this.title.caption = 'Project flow';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Project flow');
    model.onChange(() => this.render());
    this.render();
  }

  /** Show a job's progress (called by the run command on every update). */
  updateJob(job: IRunJob): void {
    this.jobs.set(job.id, job);
    this.render();
  }

  setMessage(message: string | null): void {
    this.message = message;
    this.render();
  }

  setRoles(roles: string[]): void {
    this.roles = [...roles];
    this.render();
  }

  /** What needs the reader, for the sidebar tab's badge: gates waiting on their roles, a monitoring alert. */
  attention(): { waiting: ReturnType<typeof waitingFor>; alert: string | null } {
    const status = this.model.status;
    return status ? { waiting: waitingFor(status, this.roles), alert: monitoringAlert(status) } : { waiting: [], alert: null };
  }

  render(): void {
    const root = this.node;
    const scroll = root.scrollTop; // a re-render must not jump the reader back to the top
    this._render(root);
    root.scrollTop = scroll;
  }

  private _render(root: HTMLElement): void {
    root.textContent = '';
    const header = el('div', 'jp-phasebook-header');
    header.appendChild(el('h2', 'jp-phasebook-title', 'Project flow'));
    header.appendChild(this._projectPicker());
    header.appendChild(button('Refresh', 'Refresh project flow', () => this._actions.refresh()));
    root.appendChild(header);
    if (this.message) {
      const note = el('div', 'jp-phasebook-message', this.message);
      note.setAttribute('role', 'alert');
      root.appendChild(note);
    }
    const { status, error } = this.model;
    if (error) {
      const note = el('div', 'jp-phasebook-message', error);
      note.setAttribute('role', 'alert');
      root.appendChild(note);
    }
    if (!status) {
      if (!this.message && !error) {
        root.appendChild(
          el('p', 'jp-phasebook-empty', 'Open a notebook of a phasebook project, or choose a project above.')
        );
      }
      return;
    }
    const summary = el('p', 'jp-phasebook-summary');
    summary.appendChild(el('strong', '', status.name));
    summary.appendChild(document.createTextNode(` — current phase: ${status.phase}`));
    summary.setAttribute('data-phase', status.phase);
    const broken = integrityBanner(status);
    if (broken) {
      const banner = el('div', 'jp-phasebook-message jp-phasebook-integrity', broken);
      banner.setAttribute('role', 'alert');
      root.appendChild(banner);
    }
    root.appendChild(summary);
    const needs = this._needs();
    if (needs) {
      root.appendChild(needs);
    }
    root.appendChild(this._jobs());
    for (const phase of phaseList(status)) {
      root.appendChild(this._phase(phase));
    }
    root.appendChild(this._modelTest());
    root.appendChild(this._recentRuns());
    const dash = el('div', 'jp-phasebook-actions');
    dash.appendChild(button('Overview dashboard', 'Open overview dashboard', () => this._actions.openDashboard('overview')));
    dash.appendChild(button('Monitoring dashboard', 'Open monitoring dashboard', () => this._actions.openDashboard('monitoring')));
    root.appendChild(dash);
    const { waiting, alert } = this.attention();
    this.title.className = waiting.length || alert ? 'jp-phasebook-tab jp-mod-attention' : 'jp-phasebook-tab';
    this.title.caption = waiting.length || alert ? `Project flow — ${this._attentionText()}` : 'Project flow';
  }

  private _attentionText(): string {
    const { waiting, alert } = this.attention();
    const parts = waiting.map(w => `${w.step} ${w.title} waits for you`);
    if (alert) {
      parts.push('monitoring alert');
    }
    return parts.join('; ');
  }

  /** The badges of what needs the reader: gates waiting on their roles (with a Sign button) and a monitoring alert. */
  private _needs(): HTMLElement | null {
    const { waiting, alert } = this.attention();
    if (!waiting.length && !alert) {
      return null;
    }
    const box = el('div', 'jp-phasebook-needs');
    box.setAttribute('aria-label', 'Needs you');
    for (const w of waiting) {
      const row = el('div', 'jp-phasebook-need');
      const b = el('span', 'jp-phasebook-badge jp-mod-pending', 'waiting for you');
      b.setAttribute('aria-label', `${w.gate}: waiting for you`);
      row.appendChild(b);
      row.appendChild(document.createTextNode(` ${w.step} ${w.title} (${w.roles.join(', ').replace(/_/g, ' ')}) `));
      row.appendChild(button('Sign', `Sign ${w.gate}`, () => this._actions.openDashboard('signoff', w.gate)));
      box.appendChild(row);
    }
    if (alert) {
      const row = el('div', 'jp-phasebook-need');
      const b = el('span', 'jp-phasebook-badge jp-mod-rejected', 'monitoring alert');
      b.setAttribute('aria-label', 'monitoring: alerting');
      row.appendChild(b);
      row.appendChild(document.createTextNode(` ${alert} `));
      row.appendChild(button('Monitoring', 'Open monitoring dashboard for the alert', () => this._actions.openDashboard('monitoring')));
      box.appendChild(row);
    }
    return box;
  }

  private _projectPicker(): HTMLElement {
    const select = el('select', 'jp-phasebook-picker');
    select.setAttribute('aria-label', 'Project');
    const none = el('option', '', this.model.projects.length ? 'Choose a project…' : 'No project found');
    none.value = '';
    select.appendChild(none);
    // several projects: in the portfolio's order of attention, each saying what it needs
    const rows = this.model.portfolio;
    const ordered = rows.length
      ? [
          ...rows.map(r => ({ path: r.path, label: `${pickerLabel(r)} (${r.path || '.'})`, attention: r.attention })),
          ...this.model.projects
            .filter(p => !rows.some(r => r.path === p.path))
            .map(p => ({ path: p.path, label: `${p.name} (${p.path || '.'})`, attention: '' }))
        ]
      : this.model.projects.map(p => ({ path: p.path, label: `${p.name} (${p.path || '.'})`, attention: '' }));
    for (const p of ordered) {
      const option = el('option', '', p.label);
      option.value = p.path;
      if (p.attention) {
        option.setAttribute('data-attention', p.attention);
      }
      option.selected = p.path === this.model.projectPath;
      select.appendChild(option);
    }
    if (this.model.projectPath === null) {
      none.selected = true;
    }
    select.addEventListener('change', () => this._actions.chooseProject(select.value === '' ? null : select.value));
    return select;
  }

  private _phase(phase: ReturnType<typeof phaseList>[number]): HTMLElement {
    const status = this.model.status!;
    const key = `${status.path}\u0000${phase.name}`;
    const open = this._toggled.get(key) ?? phase.current;
    const section = el('section', 'jp-phasebook-phase' + (phase.current ? ' jp-mod-current' : '') + (open ? '' : ' jp-mod-collapsed'));
    section.setAttribute('aria-label', `Phase ${phase.title}`);
    section.setAttribute('data-phase', phase.name);
    if (phase.current) {
      section.setAttribute('aria-current', 'step');
    }
    const head = el('div', 'jp-phasebook-phase-head');
    const toggle = el('button', 'jp-phasebook-phase-title');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-label', `${phase.title} steps`);
    toggle.appendChild(el('span', 'jp-phasebook-caret', open ? '▾' : '▸'));
    toggle.appendChild(el('span', '', phase.title));
    if (phase.current) {
      toggle.appendChild(el('span', 'jp-phasebook-current', 'current'));
    }
    if (phase.gate && status.gates[phase.gate] && !open) {
      const g = status.gates[phase.gate];
      const badge = gateBadge(g.state, g.label);
      const mini = el('span', `jp-phasebook-badge jp-mod-${badge.kind}`, badge.label);
      mini.setAttribute('aria-hidden', 'true'); // the full badge, with its label, is in the steps
      toggle.appendChild(mini);
    }
    toggle.addEventListener('click', () => {
      this._toggled.set(key, !open);
      this.render();
    });
    head.appendChild(toggle);
    const actions = el('div', 'jp-phasebook-actions');
    const notebook = phase.notebook;
    if (notebook) {
      actions.appendChild(button('Open', `Open ${phase.name} notebook`, () => this._actions.openFile(notebookPath(status.path, notebook))));
      actions.appendChild(button('Run', `Run ${phase.name}`, () => this._actions.runPhase(phase.name)));
    }
    if (phase.gate) {
      const gate = phase.gate;
      actions.appendChild(button('Sign-off', `Open ${gate} sign-off page`, () => this._actions.openDashboard('signoff', gate)));
    }
    head.appendChild(actions);
    section.appendChild(head);
    if (!open) {
      return section;
    }
    for (const group of stepsByTrack(status, phase.name)) {
      const track = el('div', 'jp-phasebook-track');
      track.appendChild(el('h4', '', status.track_titles?.[group.track] ?? group.track));
      const list = el('ul', 'jp-phasebook-steps');
      for (const step of group.steps) {
        const item = el('li', `jp-phasebook-step jp-mod-${step.status}`, `${step.id} ${step.title}`);
        item.setAttribute('data-step', step.id);
        if (step.kind === 'gate' && step.gate) {
          item.appendChild(this._gateBadge(step.gate));
        }
        list.appendChild(item);
      }
      track.appendChild(list);
      section.appendChild(track);
    }
    return section;
  }

  private _gateBadge(gateName: string): HTMLElement {
    const status = this.model.status!;
    const gate = status.gates[gateName];
    const wrap = el('div', 'jp-phasebook-gate');
    if (!gate) {
      return wrap;
    }
    const badge = gateBadge(gate.state, gate.label);
    const b = el('span', `jp-phasebook-badge jp-mod-${badge.kind}`, badge.label);
    b.setAttribute('data-gate', gateName);
    b.setAttribute('aria-label', `${gateName}: ${badge.label}`);
    wrap.appendChild(b);
    const who = signers(status, gateName);
    if (who.length) {
      const list = el('ul', 'jp-phasebook-signers');
      for (const line of who) {
        list.appendChild(el('li', '', line));
      }
      wrap.appendChild(list);
    }
    if (gate.missing_roles.length) {
      wrap.appendChild(el('div', 'jp-phasebook-signers', `awaiting: ${gate.missing_roles.join(', ')}`));
    }
    const shown = gate.state !== 'pending' || gate.signoffs.length > 0;
    for (const reason of shown ? gate.reasons ?? [] : []) {
      wrap.appendChild(el('div', 'jp-phasebook-signers', reason));
    }
    if (gate.changed_sections.length) {
      wrap.appendChild(el('div', 'jp-phasebook-signers', `changed since: ${gate.changed_sections.join(', ')}`));
    }
    return wrap;
  }

  private _jobs(): HTMLElement {
    const box = el('div', 'jp-phasebook-jobs');
    box.setAttribute('aria-label', 'Runs in progress');
    const status = this.model.status!;
    const all = new Map<string, IRunJob>();
    for (const job of status.jobs ?? []) {
      all.set(job.id, job);
    }
    for (const [id, job] of this.jobs) {
      if (job.project === status.path) {
        all.set(id, job);
      }
    }
    for (const job of all.values()) {
      if (job.state !== 'queued' && job.state !== 'running' && job.state !== 'failed') {
        continue;
      }
      const row = el('div', `jp-phasebook-job jp-mod-${job.state}`);
      row.setAttribute('role', job.state === 'failed' ? 'alert' : 'status');
      row.appendChild(el('span', '', jobText(job)));
      if (job.state === 'running' || job.state === 'queued') {
        const bar = el('progress', 'jp-phasebook-progress');
        bar.max = Math.max(job.total_cells, 1);
        bar.value = job.done_cells;
        bar.setAttribute('aria-label', `${job.phase} progress`);
        row.appendChild(bar);
      }
      const out = job.error?.output_path;
      if (out) {
        row.appendChild(button('Open failed notebook', `Open failed ${job.phase} output`, () => this._actions.openFile(out)));
      }
      box.appendChild(row);
    }
    return box;
  }

  private _modelTest(): HTMLElement {
    const box = el('section', 'jp-phasebook-modeltest');
    box.setAttribute('aria-label', 'Latest model test');
    box.appendChild(el('h3', '', 'Latest model test'));
    const test = this.model.status!.latest_model_test;
    if (!test) {
      box.appendChild(el('p', 'jp-phasebook-empty', 'No model tested yet.'));
      return box;
    }
    const verdict = test.passed ? 'passed' : 'failed';
    box.appendChild(el('p', `jp-phasebook-verdict jp-mod-${verdict}`, `${test.model ?? 'model'}: ${verdict}`));
    const list = el('ul', '');
    for (const line of modelTestLines(this.model.status!)) {
      list.appendChild(el('li', '', line));
    }
    box.appendChild(list);
    const segments = segmentLines(this.model.status!);
    if (segments) {
      const part = el('div', 'jp-phasebook-segments');
      part.setAttribute('aria-label', 'Per-segment model tests');
      part.appendChild(el('p', 'jp-phasebook-segments-headline', segments.headline));
      const perMetric = el('ul', '');
      for (const line of segments.lines) {
        perMetric.appendChild(el('li', '', line));
      }
      part.appendChild(perMetric);
      box.appendChild(part);
    }
    return box;
  }

  private _recentRuns(): HTMLElement {
    const box = el('section', 'jp-phasebook-runs');
    box.setAttribute('aria-label', 'Recent runs');
    box.appendChild(el('h3', '', 'Recent runs'));
    const runs = [...(this.model.status!.recent_runs ?? [])].reverse();
    if (!runs.length) {
      box.appendChild(el('p', 'jp-phasebook-empty', 'No run yet.'));
      return box;
    }
    const list = el('ul', '');
    for (const run of runs) {
      const item = el('li', `jp-phasebook-run jp-mod-${run.status ?? 'unknown'}`);
      item.appendChild(el('span', '', `${run.phase ?? '?'} · ${run.status ?? '?'} · ${run.at.slice(0, 19).replace('T', ' ')}`));
      const out = run.output_path;
      if (out) {
        const link = el('a', 'jp-phasebook-link', 'output');
        link.href = '#';
        link.setAttribute('aria-label', `Open ${run.phase} run output`);
        link.title = out;
        link.addEventListener('click', event => {
          event.preventDefault();
          this._actions.openFile(out);
        });
        item.appendChild(link);
      }
      list.appendChild(item);
    }
    box.appendChild(list);
    return box;
  }
}
