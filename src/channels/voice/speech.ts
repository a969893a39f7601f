/**
 * Text-to-speech with Debian's espeak-ng (Finnish, Swedish and English voices), resampled by sox to
 * telephone quality (8 kHz mono WAV). Used by the dev inbox to make voice messages playable, and by
 * voice providers that take audio rather than text. Both tools are optional: without them nothing is
 * rendered, and whoever asked for audio gets a SpeechToolsMissingError (503) instead of a crash.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../../errors.js';
import { missingPrograms } from '../../lib/programs.js';

const VOICES: Record<string, string> = { fi: 'fi', sv: 'sv', en: 'en-gb' };

/** The programs renderSpeech runs. */
export const SPEECH_TOOLS = ['espeak-ng', 'sox'] as const;

/** Audio was asked for on a machine without espeak-ng or sox. */
export class SpeechToolsMissingError extends AppError {
  constructor(readonly missing: string[]) {
    super('speech-unavailable', 503, { missing: missing.join(' and ') }, [], { missing });
  }
}

/** The speech tools not found on `PATH` (an empty list when audio can be rendered). */
export const missingSpeechTools = (path?: string): string[] => missingPrograms(SPEECH_TOOLS, path);

function run(command: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A program that is not installed: say which, as a 503 the caller can pass on.
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new SpeechToolsMissingError([command]) : error),
    );
    // The child may be gone before it read its input (not installed, or failed at once): not our error.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString().trim()}`)),
    );
    child.stdin.end(input);
  });
}

/** Renders `text` spoken in `language` (fi, sv, en; others fall back to English) as an 8 kHz mono WAV. */
export async function renderSpeech(text: string, language = 'fi'): Promise<Buffer> {
  const missing = missingSpeechTools();
  if (missing.length > 0) throw new SpeechToolsMissingError(missing);
  const voice = VOICES[language] ?? VOICES.en!;
  // Text goes on stdin, never on the command line (it may hold a PIN; argv is visible to other users).
  const wav = await run('espeak-ng', ['-v', voice, '-s', '150', '--stdin', '--stdout'], Buffer.from(text, 'utf8'));
  return run('sox', ['-t', 'wav', '-', '-r', '8000', '-c', '1', '-b', '16', '-t', 'wav', '-'], wav);
}
