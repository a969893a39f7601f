import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The directory at or above `from` that holds package.json: the repository's root, from the sources or from dist/. */
export function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
