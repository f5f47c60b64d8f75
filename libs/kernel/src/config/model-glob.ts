import { compileModelGlob } from '@switchyard/plugin-sdk';

/** Whether a backend `models` glob admits a model name (the router's own matcher). */
export function matchesModelGlob(glob: string, model: string): boolean {
  return compileModelGlob(glob)(model);
}
