import { parseString } from 'xml2js';

/**
 * The name a `<domainsnapshot>` document gives, so that a name already taken is refused
 * before libvirt is called. Null when the document gives none (libvirt then picks one), and
 * also when it cannot be read here (not well-formed, or not a `<domainsnapshot>`): libvirt
 * then judges the document itself, and its own error, with its code and the position of the
 * fault, reaches the client.
 */
export function documentSnapshotName(xml: string): string | null {
  let root: unknown = null;
  let failed = false;
  try {
    // xml2js calls back before parseString returns when async is false.
    parseString(
      xml,
      { async: false, explicitArray: false, explicitRoot: true },
      (error, result) => {
        failed ||= error !== null;
        root = result;
      },
    );
  } catch {
    failed = true;
  }

  if (failed || root === null || typeof root !== 'object') {
    return null;
  }

  const snapshot = (root as Record<string, unknown>).domainsnapshot;
  const name =
    typeof snapshot === 'object' && snapshot !== null
      ? (snapshot as { name?: unknown }).name
      : undefined;

  return typeof name === 'string' ? name : null;
}
