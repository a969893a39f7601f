/**
 * External programs Aviso runs for some features but can start without. `aviso serve` and `aviso worker`
 * name the missing ones at start, with what stops working, so that the first voice message played or
 * the first backup is not where an operator learns of it.
 */
import { SPEECH_TOOLS } from '../../channels/voice/speech.js';
import { missingPrograms } from '../../lib/programs.js';

interface OptionalTool {
  programs: readonly string[];
  /** What does not work without them. */
  without: string;
  install: string;
  /** Only for a PostgreSQL database. */
  postgresOnly?: boolean;
}

const TOOLS: OptionalTool[] = [
  {
    programs: SPEECH_TOOLS,
    without:
      'voice messages cannot be rendered as audio (dev inbox playback answers 503 speech-unavailable); texts and PINs by voice are still sent',
    install: 'apt-get install espeak-ng sox',
  },
  {
    programs: ['pg_dump', 'pg_restore'],
    without: '`aviso backup` and `aviso restore` fail',
    install: 'apt-get install postgresql-client',
    postgresOnly: true,
  },
];

export interface MissingTool {
  missing: string[];
  without: string;
  install: string;
}

/** The optional programs not on `path`, grouped by the feature they serve. */
export function missingOptionalTools(databaseUrl: string, path?: string): MissingTool[] {
  const postgres = /^postgres(ql)?:/.test(databaseUrl);
  return TOOLS.filter((tool) => postgres || !tool.postgresOnly).flatMap((tool) => {
    const missing = missingPrograms(tool.programs, path);
    return missing.length ? [{ missing, without: tool.without, install: tool.install }] : [];
  });
}

/** One log line per missing group: `espeak-ng, sox not found on PATH: … (apt-get install …)`. */
export const optionalToolWarnings = (databaseUrl: string, path?: string): string[] =>
  missingOptionalTools(databaseUrl, path).map(
    (t) => `${t.missing.join(', ')} not found on PATH: ${t.without} (${t.install})`,
  );
