/**
 * SQLite's login write: a session that consumes a PIN is three statements — the PIN deleted, the
 * session and its audit entry inserted — in one transaction, so that a login either completes or leaves
 * the PIN as it was.
 */
import type { Kysely } from 'kysely';
import type { TenantId } from '../../../kernel/tenant-id.js';
import { precompile, type Param } from '../../precompiled.js';
import type { Database } from '../../schema.js';
import type { Engine } from '../engine.js';
import { sessionInsert } from '../writes.js';

export const sessionFromPin: Engine['sessionFromPin'] = (db: Kysely<Database>) => {
  const insertSession = sessionInsert(db);
  const deletePin = precompile(db, (db, p: Param<{ tenantId: TenantId; id: string }>) =>
    db.deleteFrom('pins').where('tenant_id', '=', p('tenantId')).where('id', '=', p('id')),
  );
  return (row, pinId, audit) =>
    db.transaction().execute(async (trx) => {
      if (Number((await deletePin({ tenantId: row.tenant_id as TenantId, id: pinId }, trx)).numAffectedRows) !== 1)
        return false;
      await insertSession(row, trx);
      if (audit)
        await trx
          .insertInto('audit_log')
          .values({ ...audit, tenant_id: row.tenant_id })
          .execute();
      return true;
    });
};
