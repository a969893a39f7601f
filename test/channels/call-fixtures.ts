/**
 * What the voice call tests share: the app listening on its public address (the provider's stand-in fetches
 * the call's audio and posts its callbacks there, as the real one does), a stand-in HTTP server that reads
 * forms, a notice to landlines, and the message's view and deliveries as an operator sees them.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../app.js';
import type { TestDatabase } from '../databases.js';
import { addPerson, buildTown, tokenHeaders } from '../dispatch/fixtures.js';

/** How a stand-in's called person reacts to one call. */
export type Outcome = 'press-1' | 'answer' | 'no-answer' | 'busy' | 'failed';

/** A port nobody listens on now (the app's public address must be known before it is built). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The app with this voice provider URL, listening on its public address. */
export async function listeningApp(kind: TestDatabase, voice: (publicUrl: string) => string) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const t = await createTestApp(kind, { publicUrl, voice: voice(publicUrl) });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { t, publicUrl };
}

export interface FormRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  form: Record<string, string>;
  /** The body as it came (for the APIs that take JSON). */
  text: string;
}

/** A stand-in API: every request's body read as a form and handed to `handle`, which answers it. */
export async function formServer(
  handle: (request: FormRequest) => { status: number; body: unknown },
): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const answer = handle({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        form: Object.fromEntries(new URLSearchParams(text)),
        text,
      });
      const plain = typeof answer.body === 'string';
      res.writeHead(answer.status, { 'content-type': plain ? 'text/plain' : 'application/json' });
      res.end(plain ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A form POST as the providers make their callbacks (and residents' SMS) to the app. */
export const postForm = (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });

/** What GET of a call's audio answered. */
export async function fetchAudio(url: string): Promise<{ status: number; type: string | null; riff: boolean }> {
  const audio = await fetch(url);
  const bytes = Buffer.from(await audio.arrayBuffer());
  return {
    status: audio.status,
    type: audio.headers.get('content-type'),
    riff: bytes.subarray(0, 4).toString() === 'RIFF',
  };
}

/** A notice about Koulukatu sent to one landline per number (each at its own address), its batches run once. */
export async function sendNotice(t: TestApp, numbers: readonly string[]) {
  const tenant = await buildTown(t.context);
  for (const [i, value] of numbers.entries())
    await addPerson(t.context, tenant, { endpoints: [{ type: 'landline', value }], addresses: [`kk-${i + 1}`] });
  const headers = await tokenHeaders(t.context, tenant);
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/api/t/${tenant.slug}${url}`, headers, payload });
  const incident = await post('/incidents', {
    service: 'water',
    kind: 'sudden',
    title: 'Putkirikko',
    postalCodes: ['35800'],
  });
  if (incident.statusCode !== 201) throw new Error(incident.body);
  const message = await post(`/incidents/${incident.json<{ id: string }>().id}/messages`, {
    texts: { fi: 'Vesikatko Koulukadulla.' },
  });
  if (message.statusCode !== 201) throw new Error(message.body);
  const messageId = message.json<{ id: string }>().id;
  const url = `/api/t/${tenant.slug}/messages/${messageId}`;
  await t.context.dispatch.runtime.drain();
  return {
    /** The message as the console shows it. */
    view: async () => (await t.app.inject({ url, headers })).json<Record<string, unknown>>(),
    /** Calls made per number (the deliveries' attempts). */
    attempts: async () => {
      const rows = await t.context.db.kysely
        .selectFrom('deliveries as d')
        .innerJoin('incident_recipients as r', (j) =>
          j.onRef('r.tenant_id', '=', 'd.tenant_id').onRef('r.seq', '=', 'd.seq'),
        )
        .innerJoin('messages as m', (j) =>
          j.onRef('m.id', '=', 'd.message_id').onRef('m.incident_id', '=', 'r.incident_id'),
        )
        .select(['r.endpoint', 'd.attempts'])
        .where('d.message_id', '=', messageId)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.endpoint, r.attempts]));
    },
  };
}

/** The view's counts that say how the calls went. */
export const callCounts = (view: Record<string, unknown>) => ({
  queued: view.queued,
  sent: view.sent,
  delivered: view.delivered,
  acknowledged: view.acknowledged,
  failed: view.failed,
});

/** A call as the 46elks stand-in took it, and what happened in it. */
export interface Call {
  auth: string;
  form: Record<string, string>;
  outcome: Outcome;
  audio?: Awaited<ReturnType<typeof fetchAudio>>;
  /** What `next` answered to the 1, and the audio of the action it named. */
  next?: { status: number; action: Record<string, string>; audio: Awaited<ReturnType<typeof fetchAudio>> };
  hangup?: number;
}

/**
 * 46elks' calls API (`POST /a1/calls`): takes a call, then plays it (or not) as the script for its number
 * says — fetching the audio and posting the 1 pressed to `next` as 46elks does — and reports how it ended.
 */
export async function elks46Calls(script: Record<string, Outcome[]>) {
  const calls: Call[] = [];

  async function run(call: Call, id: string): Promise<void> {
    const { form } = call;
    const answered = call.outcome === 'press-1' || call.outcome === 'answer';
    if (answered) {
      const start = JSON.parse(form.voice_start!) as { ivr: string; next: string };
      call.audio = await fetchAudio(start.ivr);
      if (call.outcome === 'press-1') {
        const next = await postForm(start.next, { callid: id, from: form.from!, to: form.to!, result: '1' });
        const action = (await next.json()) as Record<string, string>;
        call.next = { status: next.status, action, audio: await fetchAudio(action.play!) };
      }
    }
    const state = answered ? 'success' : call.outcome;
    const report = await postForm(form.whenhangup!, {
      id,
      direction: 'outgoing',
      from: form.from!,
      to: form.to!,
      state,
      duration: answered ? '12' : '0',
    });
    call.hangup = report.status;
  }

  const server = await formServer((request) => {
    if (request.method !== 'POST' || request.url !== '/a1/calls') return { status: 404, body: 'not found' };
    const auth = Buffer.from(String(request.headers.authorization).slice(6), 'base64').toString();
    const call: Call = { auth, form: request.form, outcome: script[request.form.to!]!.shift() ?? 'failed' };
    calls.push(call);
    const id = `c${calls.length}`;
    void run(call, id);
    return {
      status: 200,
      body: { id, direction: 'outgoing', from: request.form.from, to: request.form.to, state: 'ongoing' },
    };
  });
  return { ...server, calls };
}
