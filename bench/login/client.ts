/**
 * The login benchmark's clients: `connections` residents at once, each logging in over and over —
 * PIN request (with a CAPTCHA solution; the PIN comes back in the bench server's `x-bench-pin` header),
 * login, GET /me — on a keep-alive HTTP agent. Each login uses a number of its own, alternately one the
 * public register knows and one it does not.
 */
import { Agent, request } from 'node:http';

export interface ClientOptions {
  base: string;
  slug: string;
  connections: number;
  durationSeconds: number;
  /** A CAPTCHA solution per login, used once each. */
  captchas: () => string;
  knownNumber: (i: number) => string;
  unknownNumber: (i: number) => string;
  /** Numbering of the logins (and so of the phone numbers), so that warm-up and measurement never reuse one. */
  firstLogin: number;
  /** Logins per second to pace all clients to together; undefined = each client as fast as it can. */
  rate?: number | undefined;
}

export interface ClientFigures {
  logins: number;
  failures: number;
  firstFailure: string | null;
  seconds: number;
  /** Client-side time of a whole login (3 requests), milliseconds. */
  loginMs: number[];
  /** CPU time of this (load-generating) process per login, milliseconds. */
  cpuMsPerLogin: number;
  /** Client-side time of each step, milliseconds. */
  stepMs: Record<string, number[]>;
}

interface Answer {
  status: number;
  body: string;
  cookie: string | undefined;
  /** The bench server's side channel: the PIN it just sent. */
  pin: string | undefined;
}

export function httpClient(base: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base);
  return (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        { agent, host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.find((c) => c.startsWith('aviso_session='));
            const pin = res.headers['x-bench-pin'];
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), cookie: setCookie?.split(';')[0], pin: typeof pin === 'string' ? pin : undefined });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

export async function runClients(options: ClientOptions): Promise<ClientFigures> {
  const call = httpClient(options.base, options.connections);
  const t = `/api/t/${options.slug}`;
  let next = options.firstLogin;
  let logins = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const loginMs: number[] = [];
  const stepMs: Record<string, number[]> = { pin: [], login: [], me: [] };
  const timedCall = async (step: string, ...args: Parameters<typeof call>) => {
    const begun = performance.now();
    const answer = await call(...args);
    stepMs[step]!.push(performance.now() - begun);
    return answer;
  };
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = started + options.durationSeconds * 1000;

  async function oneLogin(): Promise<void> {
    const i = next++;
    const phone = i % 2 === 0 ? options.knownNumber(i >> 1) : options.unknownNumber(i >> 1);
    const tag = { 'x-bench-login': String(i) };
    const begun = performance.now();
    const asked = await timedCall('pin', 'POST', `${t}/login/pin`, tag, { phone, captcha: options.captchas() });
    if (asked.status !== 202) throw new Error(`login/pin: ${asked.status} ${asked.body}`);
    const pin = asked.pin;
    if (!pin) throw new Error(`no PIN for ${phone}`);
    const login = await timedCall('login', 'POST', `${t}/login`, tag, { phone, pin });
    if (login.status !== 200 || !login.cookie) throw new Error(`login: ${login.status} ${login.body}`);
    const me = await timedCall('me', 'GET', `${t}/me`, { ...tag, cookie: login.cookie });
    if (me.status !== 200) throw new Error(`me: ${me.status} ${me.body}`);
    const known = (JSON.parse(me.body) as { known: boolean }).known;
    if (known !== (i % 2 === 0)) throw new Error(`me: known=${known} for login ${i}`);
    loginMs.push(performance.now() - begun);
  }

  // Paced: login k may start at started + k / rate (a shared schedule), so the load is `rate` however fast the server is.
  let scheduled = 0;
  const nextSlot = () => (options.rate ? started + (scheduled++ * 1000) / options.rate : 0);

  async function resident(): Promise<void> {
    while (performance.now() < deadline) {
      const slot = nextSlot();
      const wait = slot - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= deadline) break;
      try {
        await oneLogin();
        logins++;
      } catch (error) {
        failures++;
        firstFailure ??= String((error as Error).message);
      }
    }
  }

  await Promise.all(Array.from({ length: options.connections }, resident));
  const cpu = process.cpuUsage(cpuAtStart);
  return { logins, failures, firstFailure, seconds: (performance.now() - started) / 1000, loginMs, stepMs, cpuMsPerLogin: (cpu.user + cpu.system) / 1000 / Math.max(1, logins) };
}
