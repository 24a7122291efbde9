import { describe, expect, it } from 'vitest';
import { libpqTarget } from '../../src/store/backup/pg-tools.js';

describe('the URL pg_dump and pg_restore are given', () => {
  it('keeps the password off the command line, in PGPASSWORD', () => {
    const t = libpqTarget('postgres://nswg:s%40cret@db.example.org:5433/nswg?host=/var/run/postgresql');
    expect(t.dbname).toBe('postgres://nswg@db.example.org:5433/nswg?host=%2Fvar%2Frun%2Fpostgresql');
    expect(t.dbname).not.toContain('cret');
    expect(t.env.PGPASSWORD).toBe('s@cret');
  });

  it("says node-postgres's TLS parameters in libpq's words", () => {
    expect(libpqTarget('postgres://u@h/db?ssl=true').dbname).toBe('postgres://u@h/db?sslmode=require');
    expect(libpqTarget('postgres://u@h/db?sslmode=no-verify').dbname).toBe(
      'postgres://u@h/db?sslmode=require',
    );
    expect(libpqTarget('postgres://u@h/db?ssl=true&sslmode=verify-full').dbname).toBe(
      'postgres://u@h/db?sslmode=verify-full',
    );
  });
});
