/**
 * phasebook's JupyterLab plugin: the "New Data Science Project" launcher
 * card and command, the "Project flow" sidebar, and the commands behind its
 * buttons (`phasebook:<verb>-<noun>`).
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ICommandPalette, Notification, showDialog } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { LabIcon } from '@jupyterlab/ui-components';

import * as api from './api';
import { NewProjectBody } from './dialog';
import { jobText, newEvents, notebookPath, ProjectFlowModel, runTabTitle, storageSeqs, voilaUrl } from './model';
import { runPhase } from './runs';
import { ProjectFlowPanel } from './sidebar';

const PLUGIN_ID = 'phasebook:plugin';

export namespace CommandIDs {
  export const createProject = 'phasebook:create-project';
  export const showFlow = 'phasebook:show-flow';
  export const refreshFlow = 'phasebook:refresh-flow';
  export const chooseProject = 'phasebook:choose-project';
  export const openNotebook = 'phasebook:open-notebook';
  export const runPhase = 'phasebook:run-phase';
  export const openDashboard = 'phasebook:open-dashboard';
}

/** A book whose pages are the flow's phases: four steps joined by a path, the last one a gate (a check). */
const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
  '<g class="jp-icon3" fill="#616161">' +
  '<path d="M5 2h12a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H5zM7 4v16h10V4z"/>' +
  '<circle cx="10" cy="7" r="1.6"/><circle cx="14" cy="10.5" r="1.6"/><circle cx="10" cy="14" r="1.6"/>' +
  '<path d="M10.6 7.8l2.8 2 .5-.8-2.8-2zM13.4 11.3l-2.8 2 .5.8 2.8-2z"/>' +
  '<path d="M12.2 17.6l1.3 1.3 2.7-2.7-.8-.8-1.9 1.9-.5-.5z"/>' +
  '</g></svg>';

export const phasebookIcon = new LabIcon({ name: 'phasebook:flow', svgstr: ICON_SVG });

interface ISettings {
  pollInterval: number;
  projectsFolder: string;
  openScopingNotebook: boolean;
  myRoles: string[];
}

const DEFAULTS: ISettings = { pollInterval: 2000, projectsFolder: '', openScopingNotebook: true, myRoles: [] };

/** The launcher's category of phasebook's cards. */
export const LAUNCHER_CATEGORY = 'phasebook';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'New Data Science Project launcher and the Project flow sidebar.',
  autoStart: true,
  requires: [],
  optional: [ILauncher, ICommandPalette, INotebookTracker, ISettingRegistry, ILabShell, ILayoutRestorer],
  activate: async (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    notebooks: INotebookTracker | null,
    registry: ISettingRegistry | null,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null
  ) => {
    const settings: ISettings = { ...DEFAULTS };
    const model = new ProjectFlowModel();
    const { commands } = app;

    const openFile = async (path: string) => {
      const widget = await commands.execute('docmanager:open', { path });
      const title = runTabTitle(path);
      if (title && widget?.title) {
        // A document widget renames its file when its tab label changes: detach that for a run's output, whose
        // tab is named after the run (the file keeps the template's name).
        widget.title.changed.disconnect(widget._onTitleChanged, widget);
        widget.title.label = title;
        widget.title.caption = path;
      }
      return widget;
    };
    const panel = new ProjectFlowPanel(model, {
      openFile: path => void openFile(path),
      runPhase: phase => void commands.execute(CommandIDs.runPhase, { phase }),
      openDashboard: (dashboard, gate) => void commands.execute(CommandIDs.openDashboard, { dashboard, gate: gate ?? '' }),
      chooseProject: path => void commands.execute(CommandIDs.chooseProject, { path: path ?? '' }),
      refresh: () => void commands.execute(CommandIDs.refreshFlow)
    });
    panel.title.icon = phasebookIcon;
    app.shell.add(panel, 'left', { rank: 600 });
    // a workspace (JupyterLab's saved layout; `phasebook lab` seeds one per project) can name the sidebar open
    restorer?.add(panel, panel.id);

    // the version handshake: a missing server extension becomes an actionable message
    const handshake = await api.checkServer();
    if (!handshake.ok) {
      panel.setMessage(handshake.message);
      Notification.error(handshake.message, { autoClose: false });
    }

    commands.addCommand(CommandIDs.createProject, {
      label: args => (args['isLauncher'] ? 'New Data Science Project' : 'New Data Science Project…'),
      caption: 'Create a phasebook project (plan, journal, phase notebooks) and open its scoping notebook',
      icon: args => (args['isPalette'] ? undefined : phasebookIcon),
      execute: async args => {
        const cwd = String(args['cwd'] ?? settings.projectsFolder ?? '');
        const body = new NewProjectBody(cwd);
        const result = await showDialog({
          title: 'New Data Science Project',
          body,
          buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create' })],
          focusNodeSelector: 'input'
        });
        if (!result.button.accept || !result.value) {
          return;
        }
        const { name, folder } = result.value;
        if (!name || !folder) {
          Notification.error('Give the project a name and a folder, then try again; nothing was created.');
          return;
        }
        try {
          const created = await api.createProject(folder, name);
          await model.loadProjects();
          await model.setProject(created.path);
          app.shell.activateById(panel.id);
          if (settings.openScopingNotebook) {
            await openFile(created.scoping_notebook);
          }
          Notification.success(`Created ${created.name} in ${created.path}.`, { autoClose: 4000 });
        } catch (error) {
          Notification.error(`Could not create the project: ${(error as Error).message}`);
        }
      }
    });

    commands.addCommand(CommandIDs.showFlow, {
      label: 'Show Project Flow',
      execute: () => app.shell.activateById(panel.id)
    });

    commands.addCommand(CommandIDs.refreshFlow, {
      label: 'Refresh Project Flow',
      execute: async () => {
        await model.loadProjects();
        await model.refresh();
      }
    });

    commands.addCommand(CommandIDs.chooseProject, {
      label: 'Choose Project for the Project Flow',
      execute: async args => {
        const path = args['path'] === undefined ? null : String(args['path']);
        await model.setProject(path === '' && !model.projects.some(p => p.path === '') ? null : path);
      }
    });

    const needProject = (): string | null => {
      if (model.projectPath === null) {
        Notification.warning('Choose a phasebook project in the Project flow sidebar first.');
      }
      return model.projectPath;
    };

    commands.addCommand(CommandIDs.openNotebook, {
      label: args => `Open ${args['phase'] ?? 'Phase'} Notebook`,
      execute: async args => {
        const project = needProject();
        const phase = model.status?.phases.find(p => p.name === (args['phase'] ?? model.status?.phase));
        if (project === null || !phase?.notebook) {
          return;
        }
        await openFile(notebookPath(project, phase.notebook));
      }
    });

    commands.addCommand(CommandIDs.runPhase, {
      label: args => `Run ${args['phase'] ?? 'Current'} Phase Notebook`,
      execute: async args => {
        const project = needProject();
        const phase = String(args['phase'] ?? model.status?.phase ?? '');
        if (project === null || !phase) {
          return;
        }
        try {
          const job = await runPhase(project, phase, update => panel.updateJob(update));
          panel.updateJob(job);
          await model.refresh();
          if (job.state === 'failed') {
            const out = job.error?.output_path;
            Notification.error(jobText(job), {
              autoClose: false,
              actions: out ? [{ label: 'Open output notebook', callback: () => void openFile(out) }] : []
            });
          } else {
            const out = job.result?.output_path;
            Notification.success(`${phase} run ${job.state}.`, {
              autoClose: 8000,
              actions: out ? [{ label: 'Open output notebook', callback: () => void openFile(out) }] : []
            });
          }
        } catch (error) {
          Notification.error(`Could not run ${phase}: ${(error as Error).message}`);
        }
      }
    });

    commands.addCommand(CommandIDs.openDashboard, {
      label: args => `Open ${args['dashboard'] ?? 'overview'} Dashboard in Voilà`,
      execute: args => {
        const project = needProject();
        if (project === null) {
          return;
        }
        const dashboard = String(args['dashboard'] || 'overview');
        const gate = String(args['gate'] ?? '');
        const url = voilaUrl(PageConfig.getBaseUrl(), project, dashboard, gate ? { gate } : {});
        window.open(url, '_blank', 'noopener');
      }
    });

    if (launcher) {
      launcher.add({ command: CommandIDs.createProject, category: LAUNCHER_CATEGORY, rank: 0, args: { isLauncher: true } });
    }
    if (palette) {
      const category = 'phasebook';
      for (const command of [
        CommandIDs.createProject,
        CommandIDs.showFlow,
        CommandIDs.refreshFlow,
        CommandIDs.runPhase,
        CommandIDs.openNotebook,
        CommandIDs.openDashboard
      ]) {
        palette.addItem({ command, category, args: { isPalette: true } });
      }
    }

    // follow the current notebook
    const follow = () => {
      const current = notebooks?.currentWidget;
      if (current && handshake.ok) {
        void model.followFile(current.context.path);
      }
    };
    notebooks?.currentChanged.connect(follow);
    labShell?.currentChanged.connect(follow);

    // one toast per new journal event (not per poll): the last seq seen is kept per project in this browser
    const seqs = storageSeqs(window.localStorage);
    const toastNew = async () => {
      const project = model.projectPath;
      if (project === null) {
        return;
      }
      const { events, more } = await newEvents(project, seqs);
      const name = model.status?.name ?? project;
      for (const e of events) {
        const text = `${name}: ${e.actor} — ${e.text}`;
        if (e.level === 'error') {
          Notification.warning(text, { autoClose: false, actions: [{ label: 'Show project flow', callback: () => app.shell.activateById(panel.id) }] });
        } else {
          Notification.info(text, { autoClose: 8000 });
        }
      }
      if (more > 0) {
        Notification.info(`${name}: ${more} earlier event${more === 1 ? '' : 's'} — see the project's history.`, { autoClose: 8000 });
      }
    };

    // refresh when the journal or plan changes: a cheap ETag poll (304 when nothing changed)
    let timer: number | undefined;
    let toasted: string | null = null; // the project whose last seq was read since it was chosen
    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        if (handshake.ok && model.projectPath !== null) {
          const changed = await model.refresh().catch(() => false);
          if (changed || toasted !== model.projectPath) {
            toasted = model.projectPath;
            await toastNew().catch(error => console.warn('phasebook: events not read', error));
          }
        }
        schedule();
      }, settings.pollInterval);
    };

    if (registry) {
      try {
        const loaded = await registry.load(PLUGIN_ID);
        const apply = () => {
          Object.assign(settings, {
            pollInterval: loaded.get('pollInterval').composite as number,
            projectsFolder: loaded.get('projectsFolder').composite as string,
            openScopingNotebook: loaded.get('openScopingNotebook').composite as boolean,
            myRoles: (loaded.get('myRoles').composite as string[]) ?? []
          });
          panel.setRoles(settings.myRoles);
        };
        apply();
        loaded.changed.connect(apply);
      } catch (error) {
        console.warn('phasebook: settings not loaded, using defaults', error);
      }
    }
    if (handshake.ok) {
      await model.loadProjects().catch(error => panel.setMessage(String(error.message ?? error)));
      follow();
    }
    schedule();
  }
};

export default plugin;
