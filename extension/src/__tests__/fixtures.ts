/**
 * Builders of server responses for the jest tests.
 */
import { IProjectStatus, IRunJob } from '../types';

export function status(overrides: Partial<IProjectStatus> = {}): IProjectStatus {
  return {
    name: 'churn-risk',
    path: 'churn-risk',
    flow_version: '1',
    phase: 'scoping',
    previous_phase: null,
    tracks: ['product', 'data_science', 'data_engineering'],
    phases: [
      { name: 'scoping', title: 'Scoping', number: 1, gate: 'scope_approval', notebook: '01_scoping.ipynb', terminal: false },
      { name: 'research', title: 'Research', number: 2, gate: 'solution_validation', notebook: '02_research.ipynb', terminal: false },
      { name: 'delivered', title: 'Delivered', number: 5, gate: null, notebook: null, terminal: false }
    ],
    steps: [
      { id: '1.1', title: 'Product need', phase: 'scoping', tracks: ['product'], kind: 'form', status: 'done', gate: null },
      { id: '1.3', title: 'Data preparation', phase: 'scoping', tracks: ['data_engineering'], kind: 'form', status: 'todo', gate: null },
      { id: '1.4', title: 'Scope & KPIs', phase: 'scoping', tracks: ['data_science', 'product'], kind: 'form', status: 'todo', gate: null },
      { id: '1.5', title: 'Scope approval', phase: 'scoping', tracks: ['product'], kind: 'gate', status: 'todo', gate: 'scope_approval' },
      { id: '2.1', title: 'Data exploration', phase: 'research', tracks: ['data_science'], kind: 'notebook', status: 'todo', gate: null }
    ],
    gates: {
      scope_approval: {
        name: 'scope_approval', title: 'Scope & KPIs approval', step: '1.5', phase: 'scoping', state: 'pending',
        roles: ['product'], missing_roles: ['product'], changed_sections: [], signoffs: []
      }
    },
    latest_model_test: null,
    model_tests: 0,
    recent_runs: [],
    jobs: [],
    journal_entries: 1,
    ...overrides
  };
}

export function job(overrides: Partial<IRunJob> = {}): IRunJob {
  return {
    id: 'abc123def456', project: 'churn-risk', phase: 'research', state: 'running', done_cells: 0,
    total_cells: 0, parameters: {}, result: null, error: null, ...overrides
  };
}
