/**
 * Starting a phase run and following it until it ends.
 */
import * as api from './api';
import { isFinished } from './model';
import { IRunJob } from './types';

/** Resolve after `ms` milliseconds (the poll interval; replaceable in tests). */
export function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Start `phase` of the project at `path` and poll the job until it finishes.
 *
 * @param onUpdate - called with every new state of the job (progress).
 * @returns the finished job (state succeeded, cached or failed).
 */
export async function runPhase(
  path: string,
  phase: string,
  onUpdate: (job: IRunJob) => void,
  options: { intervalMs?: number; wait?: (ms: number) => Promise<void>; parameters?: Record<string, unknown> } = {}
): Promise<IRunJob> {
  const wait = options.wait ?? delay;
  let job = await api.startRun(path, phase, options.parameters ?? {});
  onUpdate(job);
  while (!isFinished(job)) {
    await wait(options.intervalMs ?? 500);
    const next = await api.getRun(path, job.id);
    if (next.state !== job.state || next.done_cells !== job.done_cells || next.total_cells !== job.total_cells) {
      onUpdate(next);
    }
    job = next;
  }
  return job;
}
