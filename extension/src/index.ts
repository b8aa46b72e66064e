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
import { jobText, notebookPath, ProjectFlowModel, voilaUrl } from './model';
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

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
  '<g class="jp-icon3" fill="#616161">' +
  '<path d="M4 3h11l5 5v13H4z M6 5v14h12V9h-4V5z"/>' +
  '<circle cx="8" cy="12" r="1.5"/><circle cx="12" cy="15" r="1.5"/><circle cx="16" cy="12" r="1.5"/>' +
  '</g></svg>';

export const phasebookIcon = new LabIcon({ name: 'phasebook:flow', svgstr: ICON_SVG });

interface ISettings {
  pollInterval: number;
  projectsFolder: string;
  openScopingNotebook: boolean;
}

const DEFAULTS: ISettings = { pollInterval: 2000, projectsFolder: '', openScopingNotebook: true };

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

    const openFile = (path: string) => commands.execute('docmanager:open', { path });
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
      launcher.add({ command: CommandIDs.createProject, category: 'Other', rank: 0, args: { isLauncher: true } });
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

    // refresh when the journal or plan changes: a cheap ETag poll while the panel is visible
    let timer: number | undefined;
    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        if (handshake.ok && panel.isVisible) {
          await model.refresh().catch(() => undefined);
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
            openScopingNotebook: loaded.get('openScopingNotebook').composite as boolean
          });
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
