/**
 * Population register upload: a dry run (the changes without saving) or the import, which runs in the
 * background with progress; then the counts and the report of rejected and protected rows.
 */
import { useEffect, useState } from 'preact/hooks';
import { Alert, ErrorAlert } from '../../shared/components/feedback';
import { Button, Checkbox, SelectField } from '../../shared/components/forms';
import { useAction } from '../../shared/hooks';
import { useT } from '../../shared/i18n';
import { DataTable } from '../../shared/components/DataTable';
import type { ConsoleSession } from '../AdminApp';
import { IMPORT_COUNTS, type ImportRun } from '../admin-api';
import { Form } from '../../shared/components/Form';
import { importReasonText } from '../import-reasons';

const POLL_MS = 1000;

/** Queued (waiting for a server process to take it) or running: still to be followed. */
const inProgress = (run: ImportRun | null): boolean => run?.status === 'queued' || run?.status === 'running';

/** Follows a running import until it is done or failed. */
function useRun(session: ConsoleSession, initial: ImportRun | null): ImportRun | null {
  const [run, setRun] = useState(initial);
  useEffect(() => setRun(initial), [initial]);
  useEffect(() => {
    if (!run || !inProgress(run)) return undefined;
    const timer = setTimeout(
      () =>
        void session.admin
          .importRun(run.id)
          .then(setRun)
          .catch(() => undefined),
      POLL_MS,
    );
    return () => clearTimeout(timer);
  }, [run]);
  return run;
}

function Report({ session, run }: { session: ConsoleSession; run: ImportRun }) {
  const t = useT();
  const progress =
    run.fileBytes && run.progress ? Math.floor((run.progress.bytesRead / run.fileBytes) * 100) : undefined;
  return (
    <section class="card" aria-labelledby="report-heading" data-status={run.status}>
      <h2 id="report-heading">
        {t('admin.import.report')} {run.dryRun ? `(${t('admin.import.dryRunShort')})` : ''}
      </h2>
      {inProgress(run) ? (
        <label class="delivery__bar">
          <span>
            {t('admin.import.running')} {run.progress ? t('admin.import.rowsRead', { rows: run.progress.rows }) : ''}
          </span>
          <progress class="progress" max={100} value={progress} />
        </label>
      ) : null}
      {run.status === 'failed' ? <Alert kind="error">{run.error ?? t('common.error')}</Alert> : null}
      {run.counts?.massRemoval ? <Alert kind="warn">{t('admin.import.massRemoval')}</Alert> : null}
      {run.counts ? (
        <dl class="figures figures--small">
          {IMPORT_COUNTS.map((k) => (
            <div key={k}>
              <dt>{t(`admin.import.counts.${k}`)}</dt>
              <dd data-count={k}>{run.counts?.[k]}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {run.report.length ? (
        <DataTable
          label={t('admin.import.rejectedRows')}
          caption={t('admin.import.rejectedRows')}
          rows={run.report}
          rowKey={(r) => `${r.line}-${r.outcome}`}
          columns={[
            { header: t('admin.import.line'), cell: (r) => r.line },
            { header: t('admin.import.outcome'), cell: (r) => t(`admin.import.outcomes.${r.outcome}`) },
            { header: t('admin.import.reason'), cell: (r) => importReasonText(t, r.reason) },
            { header: t('admin.import.candidate'), cell: (r) => r.candidate ?? '' },
          ]}
        />
      ) : null}
      {!inProgress(run) ? (
        <p>
          <a href={session.admin.importReportUrl(run.id)} download>
            {t('admin.import.reportCsv')}
          </a>
        </p>
      ) : null}
    </section>
  );
}

export function ImportPage({ session }: { session: ConsoleSession }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [allowMassRemoval, setAllowMassRemoval] = useState(false);
  const [encoding, setEncoding] = useState('utf8');
  const [delimiter, setDelimiter] = useState('auto');
  const [started, setStarted] = useState<ImportRun | null>(null);
  const run = useRun(session, started);
  const upload = useAction(async () => {
    if (!file) return;
    const form = new FormData();
    form.append('encoding', encoding);
    if (delimiter !== 'auto') form.append('delimiter', delimiter);
    form.append('dryRun', String(dryRun));
    form.append('allowMassRemoval', String(allowMassRemoval));
    form.append('file', file);
    setStarted(await session.admin.importRegister(form));
  });

  return (
    <section aria-labelledby="import-heading">
      <h1 id="import-heading">{t('admin.import.heading')}</h1>
      <p>{t('admin.import.intro')}</p>
      <Form class="card" onSubmit={() => void upload.run()}>
        <div class="field">
          <label for="register-file">{t('admin.import.file')}</label>
          <input
            id="register-file"
            type="file"
            accept=".csv,.txt,text/csv"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <div class="grid-2">
          <SelectField
            label={t('admin.import.encoding')}
            value={encoding}
            onValue={setEncoding}
            options={[
              { value: 'utf8', label: 'UTF-8' },
              { value: 'latin1', label: 'ISO-8859-1' },
              { value: 'windows-1252', label: 'Windows-1252' },
            ]}
          />
          <SelectField
            label={t('admin.import.delimiter')}
            value={delimiter}
            onValue={setDelimiter}
            options={[
              { value: 'auto', label: t('admin.import.detect') },
              { value: ',', label: ', (comma)' },
              { value: ';', label: '; (semicolon)' },
              { value: 'tab', label: 'tab' },
            ]}
          />
        </div>
        <Checkbox label={t('admin.import.dryRun')} checked={dryRun} onChange={setDryRun} />
        <Checkbox
          label={t('admin.import.allowMassRemoval')}
          checked={allowMassRemoval}
          onChange={setAllowMassRemoval}
        />
        <ErrorAlert error={upload.error} />
        <Button type="submit" busy={upload.busy || inProgress(run)} disabled={!file}>
          {t('admin.import.submit')}
        </Button>
      </Form>
      {run ? <Report session={session} run={run} /> : null}
    </section>
  );
}
