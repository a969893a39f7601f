/**
 * Text-to-speech with Debian's espeak-ng (Finnish, Swedish and English voices), resampled by sox to
 * telephone quality (8 kHz mono WAV). Used by the dev inbox to make voice messages playable, and by
 * voice providers that take audio rather than text.
 */
import { spawn } from 'node:child_process';

const VOICES: Record<string, string> = { fi: 'fi', sv: 'sv', en: 'en-gb' };

function run(command: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString().trim()}`)),
    );
    child.stdin.end(input);
  });
}

/** Renders `text` spoken in `language` (fi, sv, en; others fall back to English) as an 8 kHz mono WAV. */
export async function renderSpeech(text: string, language = 'fi'): Promise<Buffer> {
  const voice = VOICES[language] ?? VOICES.en!;
  // Text goes on stdin, never on the command line (it may hold a PIN; argv is visible to other users).
  const wav = await run('espeak-ng', ['-v', voice, '-s', '150', '--stdin', '--stdout'], Buffer.from(text, 'utf8'));
  return run('sox', ['-t', 'wav', '-', '-r', '8000', '-c', '1', '-b', '16', '-t', 'wav', '-'], wav);
}
