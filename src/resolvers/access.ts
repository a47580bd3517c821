import { ApiError } from '../errors.ts';
import type { Context } from './context.ts';

/**
 * Fails with FORBIDDEN unless the caller is an operator; `action` names what was asked, as the
 * message says it (`createSnapshot`, `Snapshot.xml(secure: true)`). Every mutation calls it
 * first, before anything reaches libvirt.
 */
export function requireOperator(context: Context, action: string): void {
  if (context.role !== 'OPERATOR') {
    throw new ApiError(
      'FORBIDDEN',
      `${action} needs the operator role; this caller is a viewer, whose token may only read`,
    );
  }
}
