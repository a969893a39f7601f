/** The serving processes' Node flags: a 32 MB young generation unless the operator chose one. */
import { describe, expect, it } from 'vitest';
import { SERVER_SEMI_SPACE_MB, serverExecArgv } from '../../src/cli/server-flags.js';

describe('serverExecArgv', () => {
  it('adds the semi-space size to the flags the primary runs with', () => {
    expect(serverExecArgv(['--import', 'tsx'], '')).toEqual([
      '--import',
      'tsx',
      `--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`,
    ]);
    expect(serverExecArgv([], '--enable-source-maps')).toEqual([`--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`]);
  });

  it("keeps the operator's own size, on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(serverExecArgv(['--max-semi-space-size=64'], '')).toEqual(['--max-semi-space-size=64']);
    expect(serverExecArgv(['--max_semi_space_size', '8'], '')).toEqual(['--max_semi_space_size', '8']);
    expect(serverExecArgv([], '--trace-gc --max-semi-space-size=16')).toEqual([]);
  });
});
