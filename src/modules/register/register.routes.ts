/**
 * The register upload over HTTP, for tenant admins (API token or operator session): upload a register
 * file (multipart: `file`, and optionally `encoding`, `delimiter`, `columns`, `dryRun`,
 * `allowMassRemoval`), follow the import, read its report, retry a failed one. The file is spooled to a
 * private temporary file, stored with its queued run and imported as a job of the queue (by this process
 * at once, or by any process running import workers); the run id comes back at once (202).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { routePlugin } from '../../http/route-plugin.js';
import { AppError, ValidationError } from '../../errors.js';
import { operatorOf } from '../../http/operator-guard.js';
import { parseColumnMapping, parseDelimiter, parseEncoding } from './register.columns.js';
import { runViewSchema, uploadFieldsSchema } from './register.schemas.js';
import type { RegisterService, RunOptions } from './register.service.js';
import { zodIssueProblem } from '../../lib/schema-issue.js';

const tenantParams = z.object({ tenant: z.string() });
const runParams = z.object({ tenant: z.string(), id: z.string().max(100) });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { session: [] }];
/** A national register is some hundred megabytes; more than this is not a register file. */
const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

interface Upload {
  dir: string;
  path: string;
  fileName: string | null;
  fields: Record<string, string>;
}

/** The client stopped sending its upload (the connection open, the body unfinished). */
class UploadStalledError extends AppError {
  constructor(idleMs: number) {
    super('upload-stalled', 408, { seconds: Math.round(idleMs / 1000) });
  }
}

/**
 * Ends the parsing of a request body that stops arriving for `idleMs`: its parser is told the request
 * failed (the parts end with that error), so the client still gets an answer and nothing waits forever.
 */
function watchForStall(request: FastifyRequest, idleMs: number): { stop(): void; stalled(): boolean } {
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      request.raw.emit('error', new UploadStalledError(idleMs));
    }, idleMs);
  };
  request.raw.on('data', arm);
  arm();
  return {
    stop: () => {
      clearTimeout(timer);
      request.raw.off('data', arm);
    },
    stalled: () => stalled,
  };
}

/** Spools the multipart parts: the file part to a temporary file only this process can read, fields to a map. */
async function receive(request: FastifyRequest, idleMs: number): Promise<Upload> {
  const dir = await mkdtemp(join(tmpdir(), 'aviso-register-'));
  const upload: Upload = { dir, path: join(dir, 'register.csv'), fileName: null, fields: {} };
  const watch = watchForStall(request, idleMs);
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload.fileName !== null)
          throw new ValidationError(part.fieldname, 'upload-one-file');
        upload.fileName = part.filename || 'register.csv';
        // The parser destroys the part when the body ended before it did, possibly before we got here; a
        // pipeline from a stream destroyed already would wait forever.
        if (part.file.destroyed) throw new ValidationError('body', 'upload-cut-short');
        await pipeline(part.file, createWriteStream(upload.path, { mode: 0o600 }));
        if (part.file.truncated) throw new ValidationError('file', 'upload-too-large', { bytes: MAX_UPLOAD_BYTES });
      } else {
        upload.fields[part.fieldname] = String(part.value);
      }
    }
    if (upload.fileName === null) throw new ValidationError('file', 'upload-file-missing');
    return upload;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw watch.stalled() ? new UploadStalledError(idleMs) : unreadableBody(error);
  } finally {
    watch.stop();
  }
}

/** busboy's messages for a body that is not well-formed multipart (no boundary, cut short, a bad part header). */
const MALFORMED_MULTIPART = /^(Multipart: |Unexpected end of|Malformed|Part terminated early)/;

/** A body the multipart parser could not read is the client's error (400), not ours. */
function unreadableBody(error: unknown): unknown {
  const cutShort = (error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
  if (error instanceof Error && (cutShort || MALFORMED_MULTIPART.test(error.message)))
    return new ValidationError('body', 'upload-malformed', { reason: error.message });
  return error;
}

function runOptions(upload: Upload, size: number | null, actor: RunOptions['actor']): RunOptions {
  const parsed = uploadFieldsSchema.safeParse(upload.fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw ValidationError.of(zodIssueProblem(issue.path.join('.') || 'body', issue));
  }
  const fields = parsed.data;
  return {
    encoding: parseEncoding(fields.encoding),
    delimiter: fields.delimiter === undefined ? undefined : parseDelimiter(fields.delimiter),
    columns: fields.columns === undefined ? undefined : parseColumnMapping(fields.columns),
    dryRun: fields.dryRun,
    allowMassRemoval: fields.allowMassRemoval,
    actor,
    fileName: upload.fileName,
    fileBytes: size,
  };
}

/** This process takes the queued imports at once, in the background; were it to die, any import worker takes them. */
function runQueuedNow(register: RegisterService, request: FastifyRequest): void {
  const failed = (error: unknown) => request.log.error({ err: error }, 'register import failed');
  void register.runQueued(failed).catch(failed);
}

/** How long an upload may stop arriving before it is dropped (408). */
const UPLOAD_IDLE_MS = 60_000;

export const registerImportRoutes = routePlugin(
  'register-imports',
  (app, deps: { register: RegisterService; uploadIdleMs?: number }) => {
    const { register } = deps;
    const guard = app.requireOperator;
    const idleMs = deps.uploadIdleMs ?? UPLOAD_IDLE_MS;

    // Multipart parsing only for these routes: everywhere else a multipart body stays unsupported.
    void app.register(async (scope) => {
      await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 } });
      scope.withTypeProvider<ZodTypeProvider>().post(
        '/api/t/:tenant/register/imports',
        {
          preHandler: guard('admin'),
          schema: {
            tags: ['register'],
            summary: 'Upload a population register file and import it in the background (multipart/form-data)',
            description:
              'Parts: `file` (CSV: person_id,first_name,last_name,birth_date,street,number,postal_code,postal_town,mobile,landline,language,protected), ' +
              'and optional fields `encoding` (utf8, latin1, windows-1252), `delimiter` (, ; tab), `columns` (JSON mapping: our column → your header), ' +
              '`dryRun` and `allowMassRemoval` (true/false). Answers 202 with the run; follow it at the run URL.',
            consumes: ['multipart/form-data'],
            security,
            params: tenantParams,
            response: { 202: runViewSchema },
          },
        },
        async (request, reply) => {
          const { tenant, actor } = operatorOf(request);
          const upload = await receive(request, idleMs).catch((error: unknown) => {
            // The rest of the body will not come: the connection ends with the answer.
            if (error instanceof UploadStalledError) void reply.header('connection', 'close');
            throw error;
          });
          let id: string;
          try {
            ({ id } = await register.startUpload(
              tenant,
              upload.path,
              runOptions(upload, (await stat(upload.path)).size, actor),
            ));
          } finally {
            // The file holds personal data: this copy goes at once (the run keeps its own until it is imported).
            await rm(upload.dir, { recursive: true, force: true });
          }
          const view = await register.findRun(tenant, id);
          runQueuedNow(register, request);
          return reply.status(202).header('location', `/api/t/${tenant.slug}/register/imports/${id}`).send(view);
        },
      );
    });

    app.post(
      '/api/t/:tenant/register/imports/:id/retry',
      {
        preHandler: guard('admin'),
        schema: {
          tags: ['register'],
          summary: 'Queue a failed upload import again (its file is kept until an import of it is done)',
          security,
          params: runParams,
          response: { 202: runViewSchema },
        },
      },
      async (request, reply) => {
        const { tenant } = operatorOf(request);
        await register.retry(tenant, request.params.id);
        runQueuedNow(register, request);
        return reply.status(202).send(await register.findRun(tenant, request.params.id));
      },
    );

    app.get(
      '/api/t/:tenant/register/imports/:id',
      {
        preHandler: guard('admin'),
        schema: {
          tags: ['register'],
          summary: 'A register import: status, progress, counts and the first lines of its report',
          security,
          params: runParams,
          response: { 200: runViewSchema },
        },
      },
      async (request) => register.findRun(operatorOf(request).tenant, request.params.id),
    );

    app.get(
      '/api/t/:tenant/register/imports/:id/report.csv',
      {
        preHandler: guard('admin'),
        schema: {
          tags: ['register'],
          summary: 'The whole report of a register import (line,outcome,reason,candidate)',
          security,
          params: runParams,
        },
      },
      async (request, reply) => {
        const csv = await register.reportCsv(operatorOf(request).tenant, request.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="register-import-${request.params.id}.csv"`)
          .send(csv);
      },
    );
  },
);
