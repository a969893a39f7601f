/** The SQLite engine: its flags and operations, one file each (the same file set as the other engine's folder). */
import { rowsPerInsertUnder, type Engine } from '../engine.js';
import { backup, restore } from './backup.js';
import { compileInsert, insertStatements } from './bulk-insert.js';
import { missingDatabase, openSqlite, serverClock } from './connection.js';
import { indexDeferral } from './deferred-indexes.js';
import { ilike, inList, jsonArrayFrom } from './expressions.js';
import { withLargeWriteCache } from './large-write.js';
import { pinIssuer } from './pin-issue.js';
import { writeClaimedResults } from './result-writes.js';
import { sessionFromPin } from './session-insert.js';
import { analyzeColumns } from './statistics.js';
import { compileUpsert } from './upsert.js';

const MAX_PARAMETERS = 32766;

export const sqliteEngine: Engine = {
  name: 'sqlite',
  maxParameters: MAX_PARAMETERS,
  rowsPerInsert: rowsPerInsertUnder(MAX_PARAMETERS),
  concurrentWriters: false,
  ilike,
  importBatchRows: 2000,
  jsonArrayFrom,
  inList,
  compileUpsert,
  insertStatements,
  compileInsert,
  withLargeWriteCache,
  indexDeferral,
  analyzeColumns,
  writeClaimedResults,
  pinIssuer,
  sessionFromPin,
  open: (url, _options, faults) => openSqlite(sqliteEngine, url, faults),
  missingDatabase,
  serverClock,
  backup,
  restore,
};
