/** True when a driver error is a unique or primary-key violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

/** True when a driver error is transient and the transaction may be retried. */
export function isRetryableSqlError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === '40001' || code === '40P01'
}

/** True when a driver error means the database cannot be reached. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    code === '57P03' ||
    code === '3D000' ||
    code === '28P01' ||
    code === 'SQLITE_CANTOPEN'
  )
}
