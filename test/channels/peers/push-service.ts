/**
 * A push service stand-in (RFC 8030) for the web push tests, and the browser's side of a subscription.
 * It listens over TLS as `push.example.test` (a certificate made by openssl for the test; the app reaches it
 * through an HTTPS agent that trusts that certificate and resolves the name to loopback), checks each push
 * as a real push service does — the VAPID `Authorization: vapid t=JWT, k=KEY` header (RFC 8292: an ES256
 * signature by k, aud the service's origin, exp within a day), `Content-Encoding: aes128gcm`, a TTL — and
 * decrypts the payload with the subscription's private key and auth secret (RFC 8291) by `http_ece`, an
 * implementation of the RFC's author independent of the `web-push` package the app sends with.
 * Answers by path: a queue of statuses per path (e.g. 429 then 201), 201 when none is left.
 */
import { execFileSync } from 'node:child_process';
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ece from 'http_ece';

export const PUSH_HOST = 'push.example.test';

/** A browser's subscription keys: its ECDH P-256 pair and auth secret, and the JSON it hands to a page. */
export interface BrowserSubscription {
  endpoint: string;
  ecdh: ECDH;
  auth: Buffer;
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
}

export function browserSubscription(endpoint: string): BrowserSubscription {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    endpoint,
    ecdh,
    auth,
    json: {
      endpoint,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
  };
}

export interface ReceivedPush {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** What the VAPID header said, once checked: the signer's public key and the JWT's claims. */
  vapid: { key: string; aud: string; exp: number; sub: string } | { error: string };
  status: number;
  body: Buffer;
}

/** Checks `Authorization: vapid t=…, k=…` as a push service must; the claims, or why it is refused. */
export function checkVapid(header: string | undefined, origin: string): ReceivedPush['vapid'] {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), ?k=([\w-]+)$/.exec(header ?? '');
  if (!match) return { error: `not a vapid header: ${header}` };
  const [, token, k] = match as unknown as [string, string, string];
  const [head, claims, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return { error: 'k is not an uncompressed P-256 point' };
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return { error: 'the JWT is not signed by k' };
  const header_ = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  if (header_.alg !== 'ES256') return { error: `alg ${header_.alg}` };
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  const now = Date.now() / 1000;
  if (body.aud !== origin) return { error: `aud ${body.aud} is not ${origin}` };
  if (!(body.exp > now && body.exp <= now + 24 * 3600)) return { error: `exp ${body.exp} not within a day` };
  return { key: k, ...body };
}

/** The payload a browser would read: decrypted with its private key and auth secret. */
export const decryptPush = (push: ReceivedPush, browser: BrowserSubscription): string =>
  ece
    .decrypt(push.body, {
      version: 'aes128gcm',
      privateKey: browser.ecdh,
      authSecret: browser.auth.toString('base64url'),
    })
    .toString('utf8');

export interface PushService {
  /** `https://push.example.test:PORT` */
  origin: string;
  pushes: ReceivedPush[];
  /** Statuses to answer the next pushes to `path` with, in order. */
  answers: Map<string, number[]>;
  /** An agent that trusts the service's certificate and finds its name on loopback (as the app's `pushAgent`). */
  agent: Agent;
  /** The certificate (PEM), for a browser to trust. */
  certificate: string;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const dir = mkdtempSync(join(tmpdir(), 'aviso-push-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${PUSH_HOST}`],
    ...['-addext', `subjectAltName=DNS:${PUSH_HOST}`],
  ]);
  const key = readFileSync(keyFile, 'utf8');
  const certificate = readFileSync(certFile, 'utf8');
  rmSync(dir, { recursive: true, force: true });

  const pushes: ReceivedPush[] = [];
  const answers = new Map<string, number[]>();
  let origin = '';
  const server: Server = createServer({ key, cert: certificate }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const vapid = checkVapid(req.headers.authorization, origin);
      const status = 'error' in vapid ? 403 : (answers.get(path)?.shift() ?? 201);
      pushes.push({ path, headers: req.headers, vapid, status, body: Buffer.concat(chunks) });
      res.writeHead(status, status === 201 ? { location: `${origin}/m/${pushes.length}` } : {});
      res.end(status === 201 ? '' : `status ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://${PUSH_HOST}:${(server.address() as AddressInfo).port}`;
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  const agent = new Agent({ ca: certificate, lookup });
  return {
    origin,
    pushes,
    answers,
    agent,
    certificate,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
