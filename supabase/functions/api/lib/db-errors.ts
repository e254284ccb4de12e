/**
 * Database errors a request can legitimately cause, turned into API errors. Inputs are
 * validated before they reach SQL, so the one expected failure is a reference that vanished
 * between the check and the write: most often the caller's own account, deleted while their
 * access token is still unexpired (JWTs cannot be revoked). Anything else stays a 500.
 */
import postgres from 'postgres';
import { ApiError } from './errors.ts';

const FOREIGN_KEY_VIOLATION = '23503';

/** Use as `.catch(rethrowDatabaseError)` on a write that references other rows. */
export function rethrowDatabaseError(error: unknown): never {
  if (error instanceof postgres.PostgresError && error.code === FOREIGN_KEY_VIOLATION) {
    if (error.constraint_name?.endsWith('_user_id_fkey')) {
      throw new ApiError(401, 'unauthorized', 'This account no longer exists; sign in again');
    }
    throw new ApiError(404, 'not_found', 'Something this refers to no longer exists');
  }
  throw error;
}
