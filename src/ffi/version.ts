/** libvirt's version number (major * 1,000,000 + minor * 1,000 + release) as "9.0.0". */
export function formatVersion(version: number): string {
  const major = Math.floor(version / 1_000_000);
  const minor = Math.floor(version / 1_000) % 1_000;
  const release = version % 1_000;

  return `${major}.${minor}.${release}`;
}
