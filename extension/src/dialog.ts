/**
 * The "New Data Science Project" dialog body: a name and a folder.
 */
import { Widget } from '@lumino/widgets';

export interface INewProjectValue {
  name: string;
  folder: string;
}

/** Turn a display name into a folder name ("Churn risk" → "churn-risk"). */
export function slug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A Dialog body with labelled inputs; `getValue()` is what the dialog resolves to. */
export class NewProjectBody extends Widget {
  private _name: HTMLInputElement;
  private _folder: HTMLInputElement;
  private _folderTouched = false;

  constructor(baseFolder: string) {
    super();
    this.addClass('jp-phasebook-NewProject');
    this._name = this._field('Project name', 'jp-phasebook-name', 'e.g. Churn risk');
    this._folder = this._field('Folder', 'jp-phasebook-folder', 'folder for the project');
    const prefix = baseFolder ? baseFolder.replace(/\/+$/, '') + '/' : '';
    this._name.addEventListener('input', () => {
      if (!this._folderTouched) {
        this._folder.value = this._name.value.trim() ? prefix + slug(this._name.value) : '';
      }
    });
    this._folder.addEventListener('input', () => {
      this._folderTouched = true;
    });
  }

  private _field(label: string, id: string, placeholder: string): HTMLInputElement {
    const row = document.createElement('label');
    row.className = 'jp-phasebook-field';
    row.textContent = label;
    const input = document.createElement('input');
    input.className = 'jp-mod-styled';
    input.id = id;
    input.placeholder = placeholder;
    input.setAttribute('aria-label', label);
    row.appendChild(input);
    this.node.appendChild(row);
    return input;
  }

  getValue(): INewProjectValue {
    return { name: this._name.value.trim(), folder: this._folder.value.trim() };
  }
}
