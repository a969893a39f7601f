import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../src/db/engines/sqlite/statements.js';

describe('SQLite statement cache', () => {
  const open = () => {
    const database = new SqliteDatabase(':memory:');
    database.exec('create table t (n integer); insert into t values (1), (2), (3)');
    return withStatementCache(database);
  };

  it('prepares a statement once and reuses it', () => {
    const cached = open();
    const first = cached.prepare('select n from t where n > ?');
    expect(cached.prepare('select n from t where n > ?')).toBe(first);
    expect(first.all([1])).toEqual([{ n: 2 }, { n: 3 }]);
    cached.close();
  });

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const cached = open();
    const iterating = cached.prepare('select n from t order by n');
    const rows = iterating.iterate([]);
    expect(rows.next().value).toEqual({ n: 1 });
    const other = cached.prepare('select n from t order by n');
    expect(other).not.toBe(iterating);
    expect(other.all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
    cached.close();
  });

  it('does not keep one-off long statements', () => {
    const cached = open();
    const long = `select n from t where n in (${Array(8000).fill('?').join(', ')})`;
    expect(cached.prepare(long)).not.toBe(cached.prepare(long));
    cached.close();
  });
});
