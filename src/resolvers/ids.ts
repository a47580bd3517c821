import { badInput } from '../errors.ts';

/**
 * The inner part of a Domain or Snapshot ID: a JSON array of the strings that name it
 * (host name, domain UUID, snapshot name), stable across restarts.
 */
export function encodeKey(parts: string[]): string {
  return JSON.stringify(parts);
}

/** The parts of a key made by {@link encodeKey}; bad input when it is not one. */
export function decodeKey(key: string, length: number): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(key);
  } catch {
    parts = undefined;
  }

  if (
    !Array.isArray(parts) ||
    parts.length !== length ||
    !parts.every((part) => typeof part === 'string')
  ) {
    throw badInput('the ID is not an ID of this server');
  }

  return parts as string[];
}
