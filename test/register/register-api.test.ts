import { beforeAll, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import type { Tenant } from '../../src/modules/tenants/tenant.types.js';
import { describeEachDatabase } from '../app.js';
import { buildRegisterTenant, registerCsv, row } from './register-helpers.js';

const BOUNDARY = '----aviso-test-boundary';

/** A multipart/form-data body: text fields, then the file part. */
function multipart(fields: Record<string, string>, file: Buffer | string | null): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file !== null) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="rekisteri.csv"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(file) ? file : Buffer.from(file));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

describeEachDatabase('register upload API', (t) => {
  let tenant: Tenant;
  let admin: string;
  let operator: string;
  const rows = [
    row({ person_id: 'a1', first_name: 'Jörö', mobile: '0401000001' }),
    row({ person_id: 'a2', mobile: '0401000002', number: '99' }),
    row({ person_id: 'a3', mobile: '0401000003', protected: '1' }),
  ];

  beforeAll(async () => {
    tenant = await buildRegisterTenant(t().context);
    admin = (await t().context.operators.createToken(tenant, { name: 'register', role: 'admin' }, null)).token;
    operator = (await t().context.operators.createToken(tenant, { name: 'console', role: 'operator' }, null)).token;
  });

  const upload = (token: string | null, fields: Record<string, string>, file: Buffer | string | null) =>
    t().app.inject({
      method: 'POST',
      url: `/api/t/${tenant.slug}/register/imports`,
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      payload: multipart(fields, file),
    });

  async function finished(id: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const response = await t().app.inject({
        url: `/api/t/${tenant.slug}/register/imports/${id}`,
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(response.statusCode).toBe(200);
      const run = response.json();
      if (run.status !== 'running' && run.status !== 'queued') return run;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the import did not finish');
  }

  const contacts = async () =>
    (await t().context.db.kysely.selectFrom('contacts').select('id').where('tenant_id', '=', tenant.id).execute())
      .length;

  it('is for tenant admins only', async () => {
    expect((await upload(null, {}, registerCsv(rows))).statusCode).toBe(401);
    const forbidden = await upload(operator, {}, registerCsv(rows));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers['content-type']).toContain('application/problem+json');
  });

  it('dry run: shows the diff of the uploaded file and writes nothing to the register', async () => {
    const response = await upload(
      admin,
      { dryRun: 'true', encoding: 'latin1', delimiter: ';' },
      iconv.encode(registerCsv(rows, ';'), 'latin1'),
    );
    expect(response.statusCode).toBe(202);
    const run = await finished(response.json().id);
    expect(run).toMatchObject({
      status: 'done',
      dryRun: true,
      fileName: 'rekisteri.csv',
      counts: { rows: 3, added: 1, unmatched: 1, protected: 1 },
    });
    expect(await contacts()).toBe(0);
  });

  it('imports an upload in the background, with progress, counts and the report', async () => {
    const response = await upload(admin, {}, registerCsv(rows));
    expect(response.statusCode).toBe(202);
    const { id } = response.json();
    expect(response.headers.location).toBe(`/api/t/${tenant.slug}/register/imports/${id}`);
    const run = await finished(id);
    expect(run).toMatchObject({
      status: 'done',
      dryRun: false,
      progress: null,
      error: null,
      counts: { rows: 3, added: 1, unmatched: 1, protected: 1, rejected: 1 },
    });
    expect(run.report).toEqual([
      {
        line: 3,
        outcome: 'rejected',
        reason: 'address not found: no such house number on the street in 35800',
        candidate: 'Puistokatu 20, 35800',
      },
    ]);
    expect(await contacts()).toBe(1);
    const report = await t().app.inject({
      url: `/api/t/${tenant.slug}/register/imports/${id}/report.csv`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(report.headers['content-type']).toContain('text/csv');
    expect(report.body).toBe(
      'line,outcome,reason,candidate\n3,rejected,address not found: no such house number on the street in 35800,"Puistokatu 20, 35800"\n',
    );
    const audit = await t()
      .context.db.kysely.selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'register.import')
      .execute();
    expect(audit).toEqual([expect.objectContaining({ actor_type: 'token', subject_id: id })]);
  });

  it('refuses a wrong file or option at once, naming the field; a run of another tenant is not found', async () => {
    const wrong = await upload(admin, {}, 'name,phone\nMatti,0401234567\n');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'validation', errors: [{ field: 'file' }] });
    const encoding = await upload(admin, { encoding: 'ebcdic' }, registerCsv(rows));
    expect(encoding.json()).toMatchObject({ status: 400, errors: [{ field: 'encoding' }] });
    const unknown = await upload(admin, { colour: 'blue' }, registerCsv(rows));
    expect(unknown.statusCode).toBe(400);
    const missing = await upload(admin, {}, null);
    expect(missing.json()).toMatchObject({ status: 400, errors: [{ field: 'file' }] });
    const none = await t().app.inject({
      url: `/api/t/${tenant.slug}/register/imports/nope`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(none.statusCode).toBe(404);
  });
});
