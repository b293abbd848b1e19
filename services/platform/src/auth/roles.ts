/**
 * What a principal may do. `operate` covers the decisions that change what serves (promote,
 * roll back, reject, request training or backfills, forget); `admin` holds every role.
 */
export const ROLES = ['predict', 'ingest', 'read', 'operate', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether holding `held` lets a principal use a route that needs `needed`. */
export function grants(held: readonly Role[], needed: Role): boolean {
  return held.includes('admin') || held.includes(needed);
}
