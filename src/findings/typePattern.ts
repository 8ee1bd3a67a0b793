/**
 * A routing file's finding-type pattern: the whole type, exactly, with `*` matching any text
 * (slashes and colons too). Unlike `/guardduty list --type`, which searches, a route names.
 */
export function typeGlob(pattern: string): (type: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (type) => regex.test(type);
}
