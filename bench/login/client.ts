/**
 * The login benchmark's clients: `connections` residents at once, each logging in over and over —
 * PIN request (with a CAPTCHA solution; the PIN comes back in the bench server's `x-bench-pin` header),
 * login, GET /me — on a keep-alive HTTP agent. Each login uses a number of its own, alternately one the
 * public register knows and one it does not.
 *
 * Each client connects from a loopback address of its own (127.0.0.2, 127.0.0.3, … — Linux routes all of
 * 127/8 to lo), as residents come from their own networks: from one address, every PIN request would
 * count against that one IP's hourly counter, one database row that all 100 clients then update in turn.
 * `oneAddress` keeps them all on 127.0.0.1 (a whole town behind one carrier-grade NAT).
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
  /** All clients from 127.0.0.1 instead of an address each. */
  oneAddress?: boolean | undefined;
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

/** The source address of client `n` (0-based): 127.0.0.2 onwards. */
export const clientAddress = (n: number) => `127.0.${Math.floor((n + 2) / 256)}.${(n + 2) % 256}`;

/** One client's requests, on a keep-alive connection from `localAddress` (default: the system's choice). */
export function httpClient(base: string, connections: number, localAddress?: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base);
  return (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          ...(localAddress ? { localAddress } : {}),
          method,
          path,
          headers: {
            ...headers,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.find((c) => c.startsWith('aviso_session='));
            const pin = res.headers['x-bench-pin'];
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              cookie: setCookie?.split(';')[0],
              pin: typeof pin === 'string' ? pin : undefined,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

export async function runClients(options: ClientOptions): Promise<ClientFigures> {
  const shared = options.oneAddress ? httpClient(options.base, options.connections) : undefined;
  const t = `/api/t/${options.slug}`;
  let next = options.firstLogin;
  let logins = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const loginMs: number[] = [];
  const stepMs: Record<string, number[]> = { pin: [], login: [], me: [] };
  type Call = ReturnType<typeof httpClient>;
  const timedCall = async (call: Call, step: string, ...args: Parameters<Call>) => {
    const begun = performance.now();
    const answer = await call(...args);
    stepMs[step]!.push(performance.now() - begun);
    return answer;
  };
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = started + options.durationSeconds * 1000;

  async function oneLogin(call: Call): Promise<void> {
    const i = next++;
    const phone = i % 2 === 0 ? options.knownNumber(i >> 1) : options.unknownNumber(i >> 1);
    const tag = { 'x-bench-login': String(i) };
    const begun = performance.now();
    const asked = await timedCall(call, 'pin', 'POST', `${t}/login/pin`, tag, { phone, captcha: options.captchas() });
    if (asked.status !== 202) throw new Error(`login/pin: ${asked.status} ${asked.body}`);
    const pin = asked.pin;
    if (!pin) throw new Error(`no PIN for ${phone}`);
    const login = await timedCall(call, 'login', 'POST', `${t}/login`, tag, { phone, pin });
    if (login.status !== 200 || !login.cookie) throw new Error(`login: ${login.status} ${login.body}`);
    const me = await timedCall(call, 'me', 'GET', `${t}/me`, { ...tag, cookie: login.cookie });
    if (me.status !== 200) throw new Error(`me: ${me.status} ${me.body}`);
    const known = (JSON.parse(me.body) as { known: boolean }).known;
    if (known !== (i % 2 === 0)) throw new Error(`me: known=${known} for login ${i}`);
    loginMs.push(performance.now() - begun);
  }

  // Paced: login k may start at started + k / rate (a shared schedule), so the load is `rate` however fast the server is.
  let scheduled = 0;
  const nextSlot = () => (options.rate ? started + (scheduled++ * 1000) / options.rate : 0);

  async function resident(_: unknown, n: number): Promise<void> {
    const call = shared ?? httpClient(options.base, 1, clientAddress(n));
    while (performance.now() < deadline) {
      const slot = nextSlot();
      const wait = slot - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= deadline) break;
      try {
        await oneLogin(call);
        logins++;
      } catch (error) {
        failures++;
        firstFailure ??= String((error as Error).message);
      }
    }
  }

  await Promise.all(Array.from({ length: options.connections }, resident));
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    logins,
    failures,
    firstFailure,
    seconds: (performance.now() - started) / 1000,
    loginMs,
    stepMs,
    cpuMsPerLogin: (cpu.user + cpu.system) / 1000 / Math.max(1, logins),
  };
}
