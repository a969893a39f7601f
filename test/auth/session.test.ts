/** The session core (shared with operator logins) and the database-kept counters, on both databases. */
import { expect, it } from 'vitest';
import { sha256 } from '../../src/lib/crypto.js';
import { newId } from '../../src/lib/ids.js';
import { auditRow } from '../../src/modules/audit/audit.repository.js';
import { rateLimitRepository } from '../../src/modules/auth/rate-limit.repository.js';
import { sessionService } from '../../src/modules/auth/session.service.js';
import { describeEachDatabase } from '../app.js';
import { buildTenant } from '../factories.js';

const MINUTE = 60_000;

describeEachDatabase('sessions', (t) => {
  const service = () => sessionService({ db: t().context.db.kysely, engine: t().context.db.engine, clock: t().clock });

  it('stores only the hash of a random token, and finds the session only in its own tenant', async () => {
    const [a, b] = [await buildTenant(t().context), await buildTenant(t().context)];
    const sessions = service();
    const created = await sessions.create(a.id, { type: 'operator', id: 'op-1' }, { role: 'admin' });
    expect(created.token).toMatch(/^[\w-]{43}$/);
    expect(created.csrfToken).not.toBe(created.token);
    const row = await t()
      .context.db.kysely.selectFrom('sessions')
      .selectAll()
      .where('id', '=', sha256(created.token))
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(await sessions.read(a.id, created.token)).toMatchObject({
      tenantId: a.id,
      subject: { type: 'operator', id: 'op-1' },
      csrfToken: created.csrfToken,
      data: { role: 'admin' },
    });
    expect(await sessions.read(b.id, created.token)).toBeUndefined();
    expect(await sessions.read(a.id, created.token + 'x')).toBeUndefined();
  });

  it('slides a 30-minute idle expiry with use, within a 12-hour lifetime', async () => {
    const tenant = await buildTenant(t().context);
    t().clock.set(Date.UTC(2030, 5, 1, 8, 0, 0));
    const sessions = service();
    const { token, expiresAt } = await sessions.create(tenant.id, { type: 'resident', id: 'c-1' });
    expect(expiresAt).toBe(t().clock.now() + 30 * MINUTE);
    for (let i = 0; i < 28; i++) {
      t().clock.advance(25 * MINUTE);
      expect(await sessions.read(tenant.id, token), `after ${(i + 1) * 25} minutes`).toBeDefined();
    }
    // 12 hours 5 minutes of steady use: the absolute lifetime has ended it.
    t().clock.advance(25 * MINUTE);
    expect(await sessions.read(tenant.id, token)).toBeUndefined();
    const idle = await sessions.create(tenant.id, { type: 'resident', id: 'c-1' });
    t().clock.advance(30 * MINUTE + 1);
    expect(await sessions.read(tenant.id, idle.token)).toBeUndefined();
  });

  it('revokes one session, or every session of a subject but one', async () => {
    const tenant = await buildTenant(t().context);
    const sessions = service();
    const subject = { type: 'operator' as const, id: newId() };
    const [one, two, three] = [
      await sessions.create(tenant.id, subject),
      await sessions.create(tenant.id, subject),
      await sessions.create(tenant.id, subject),
    ];
    const other = await sessions.create(tenant.id, { type: 'operator', id: newId() });
    await sessions.revoke(tenant.id, one.token);
    expect(await sessions.read(tenant.id, one.token)).toBeUndefined();
    expect(await sessions.revokeAll(tenant.id, subject, three.token)).toBe(1);
    expect(await sessions.read(tenant.id, two.token)).toBeUndefined();
    expect(await sessions.read(tenant.id, three.token)).toBeDefined();
    expect(await sessions.read(tenant.id, other.token)).toBeDefined();
  });

  it('opens a session that consumes a PIN with its audit entry, or writes none of the three', async () => {
    const tenant = await buildTenant(t().context);
    const { kysely } = t().context.db;
    const sessions = service();
    const subject = { type: 'resident' as const, id: newId() };
    const pinId = newId();
    const now = t().clock.now();
    await kysely
      .insertInto('pins')
      .values({
        id: pinId,
        tenant_id: tenant.id,
        purpose: 'login',
        subject: 'login-key',
        code_hash: 'hash',
        attempts: 0,
        created_at: now,
        expires_at: now + 10 * MINUTE,
      })
      .execute();
    const taken = auditRow(tenant.id, now, { actorType: 'resident', actorId: subject.id, action: 'resident.login' });
    await kysely.insertInto('audit_log').values(taken).execute();
    const stored = () =>
      Promise.all([
        kysely.selectFrom('pins').select('id').where('id', '=', pinId).execute(),
        kysely.selectFrom('sessions').select('id').where('subject_id', '=', subject.id).execute(),
        kysely.selectFrom('audit_log').select('id').where('actor_id', '=', subject.id).execute(),
      ]).then(([pins, opened, audited]) => ({ pins: pins.length, sessions: opened.length, audit: audited.length }));

    // The audit entry cannot be written (its id is taken): the PIN stays, and no session is opened.
    await expect(sessions.createConsumingPin(tenant.id, pinId, subject, undefined, taken)).rejects.toThrow();
    expect(await stored()).toEqual({ pins: 1, sessions: 0, audit: 1 });
    const opened = await sessions.createConsumingPin(tenant.id, pinId, subject, undefined, { ...taken, id: newId() });
    expect(opened).toBeDefined();
    expect(await stored()).toEqual({ pins: 0, sessions: 1, audit: 2 });
    expect(
      await sessions.createConsumingPin(tenant.id, pinId, subject, undefined, { ...taken, id: newId() }),
    ).toBeUndefined();
    expect(await stored()).toEqual({ pins: 0, sessions: 1, audit: 2 });
  });

  it('re-points a session to another subject', async () => {
    const tenant = await buildTenant(t().context);
    const sessions = service();
    const { token } = await sessions.create(tenant.id, { type: 'resident', id: 'pending:x' }, { a: 1 });
    await sessions.update(tenant.id, token, { subject: { type: 'resident', id: 'c-9' }, data: { a: 2 } });
    expect(await sessions.read(tenant.id, token)).toMatchObject({ subject: { id: 'c-9' }, data: { a: 2 } });
  });
});

describeEachDatabase('rate counters', (t) => {
  it('count atomically in fixed windows and say when the window ends', async () => {
    const limits = rateLimitRepository(t().context.db.kysely);
    const start = Date.UTC(2030, 6, 1, 10, 0, 0);
    const key = `k-${newId()}`;
    const hits = await Promise.all(
      Array.from({ length: 12 }, () => limits.hit(key, 60 * MINUTE, 10, start + 15 * MINUTE)),
    );
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(hits.filter((h) => !h.allowed)).toHaveLength(2);
    expect(hits[0]!.retryAfterSeconds).toBe(45 * 60);
    expect(
      (
        await limits.peek(
          [
            { key, windowMs: 60 * MINUTE },
            { key: 'nothing', windowMs: MINUTE },
          ],
          start,
        )
      ).get(key),
    ).toBe(12);
    expect(await limits.hit(key, 60 * MINUTE, 10, start + 61 * MINUTE)).toMatchObject({ allowed: true, count: 1 });
  });

  it('let exactly one of many racing callers claim a key', async () => {
    const limits = rateLimitRepository(t().context.db.kysely);
    const key = `once-${newId()}`;
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => limits.claimOnce(key, Date.now() + MINUTE, Date.now())),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
