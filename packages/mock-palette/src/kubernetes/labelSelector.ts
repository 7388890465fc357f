/** One requirement of an equality-based label selector. */
type Requirement =
  | { op: 'equals' | 'notEquals'; key: string; value: string }
  | { op: 'exists' | 'notExists'; key: string };

/** A parsed label selector: all requirements must hold. */
export type LabelSelector = (labels: Record<string, string>) => boolean;

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * Parses the equality-based subset of Kubernetes label selectors:
 * comma-separated `key=value`, `key==value`, `key!=value`, `key` (exists) and
 * `!key` (does not exist). An empty or missing selector matches everything.
 * Set-based requirements (`in`, `notin`) are not supported.
 *
 * @returns the matcher, or `undefined` for a selector it cannot parse (the
 * caller answers 400).
 */
export function parseLabelSelector(
  selector: string | undefined,
): LabelSelector | undefined {
  const requirements: Requirement[] = [];
  for (const raw of (selector ?? '').split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const match = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    let requirement: Requirement;
    if (match) {
      const [, key, operator, value] = match;
      requirement = {
        op: operator === '!=' ? 'notEquals' : 'equals',
        key,
        value: value.trim(),
      };
      if (!VALUE.test(requirement.value)) return undefined;
    } else if (part.startsWith('!')) {
      requirement = { op: 'notExists', key: part.slice(1).trim() };
    } else {
      requirement = { op: 'exists', key: part };
    }
    if (!KEY.test(requirement.key)) return undefined;
    requirements.push(requirement);
  }
  return labels =>
    requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      switch (r.op) {
        case 'equals':
          return has && labels[r.key] === r.value;
        case 'notEquals':
          return !has || labels[r.key] !== r.value;
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
}
