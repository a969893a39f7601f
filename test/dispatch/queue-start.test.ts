/**
 * Several processes start their job queue on the same new database at once (`aviso serve` and two
 * `aviso worker`s in a deployment): every one of them starts, takes jobs, and leaves its database
 * connections usable. Each process here is a database handle of its own with a single connection, so
 * a connection one of them broke is the one it uses next.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { systemClock } from '../../src/lib/clock.js';
import { freshDatabase, TEST_DATABASES, type FreshDatabase } from '../databases.js';

for (const kind of TEST_DATABASES) {
  describe(`job queues starting side by side [${kind}]`, () => {
    let fresh: FreshDatabase;
    const handles: Db[] = [];
    const queues: JobQueue[] = [];

    afterEach(async () => {
      await Promise.all(queues.splice(0).map((q) => q.stop()));
      await Promise.all(handles.splice(0).map((db) => db.close()));
      await fresh.drop();
    });

    it('all start on a new database, run their jobs and keep their connections usable', async () => {
      fresh = await freshDatabase(kind);
      for (let i = 0; i < 4; i++) {
        const db =
          kind === 'sqlite' ? openDatabase(fresh.url) : openDatabase(fresh.url, { schema: fresh.schema, poolSize: 1 });
        handles.push(db);
        queues.push(createJobQueue(db, { clock: systemClock, leaseMs: 60_000, maxAttempts: 3 }));
      }

      await Promise.all(
        queues.map((queue, i) => queue.enqueue('register-import', [{ payload: { tenantId: 't', runId: `run-${i}` } }])),
      );

      const ran: string[] = [];
      for (const queue of queues) await queue.drain('register-import', async (job) => void ran.push(job.runId));
      expect(ran.sort()).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
      for (const db of handles)
        expect(
          await db.kysely
            .selectFrom('tenants')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst(),
        ).toEqual({ n: expect.anything() });
    });
  });
}
