/** Finding external programs on PATH without running them. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { childEnvironment } from '../config.js';

/** The programs of `names` that no directory of `path` (the PATH child processes get) holds as an executable file. */
export function missingPrograms(names: readonly string[], path = childEnvironment().PATH ?? ''): string[] {
  const dirs = path.split(delimiter).filter(Boolean);
  const found = (name: string) =>
    dirs.some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  return names.filter((name) => !found(name));
}
