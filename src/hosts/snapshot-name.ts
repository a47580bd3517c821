import { parseString } from 'xml2js';
import { badInput } from '../errors.ts';

/**
 * The name a `<domainsnapshot>` document gives, or null when it gives none (libvirt then
 * picks one). Malformed XML is bad input.
 */
export function documentSnapshotName(xml: string): string | null {
  let root: unknown;
  let failure: Error | null = null;
  // xml2js calls back before parseString returns when async is false.
  parseString(xml, { async: false, explicitArray: false, explicitRoot: true }, (error, result) => {
    failure = error;
    root = result;
  });
  if (failure !== null || root === null || typeof root !== 'object') {
    throw badInput(
      `the snapshot XML does not parse: ${(failure as Error | null)?.message ?? 'empty'}`,
    );
  }

  const snapshot = (root as Record<string, unknown>).domainsnapshot;
  if (snapshot === undefined) {
    throw badInput('the snapshot XML must have <domainsnapshot> as its root element');
  }

  const name =
    typeof snapshot === 'object' && snapshot !== null
      ? (snapshot as { name?: unknown }).name
      : undefined;

  return typeof name === 'string' ? name : null;
}
