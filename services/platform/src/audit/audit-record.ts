import type { AuditRecorded } from '@readmit/contracts';

/** An answered HTTP request, as the audit trail sees it. */
export interface AnsweredRequest {
  readonly service: string;
  readonly method: string;
  /** The matched route's pattern (`/v1/models/:name/rollback`), when a route matched. */
  readonly route: string | undefined;
  /** The path asked for, without its query string. */
  readonly path: string;
  readonly status: number;
  readonly principal: { readonly id: string; readonly roles: readonly string[] } | undefined;
  readonly authMethod: string;
  readonly requestId: string | undefined;
}

/** Methods that only read: their requests are not audited. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request is recorded: every one that can change state. */
export function isAudited(method: string): boolean {
  return !READ_METHODS.has(method.toUpperCase());
}

export function outcomeOf(status: number): 'succeeded' | 'refused' | 'rejected' | 'failed' {
  if (status < 400) return 'succeeded';
  if (status === 401 || status === 403) return 'refused';
  if (status < 500) return 'rejected';
  return 'failed';
}

/**
 * The action: the route's method and pattern (`POST /v1/models/:name/rollback`), which names what
 * was asked whoever asked it; a request that matched no route keeps its method and `(no route)`,
 * never its path (a path is not ours to trust).
 */
export function actionOf(method: string, route: string | undefined): string {
  return `${method.toUpperCase()} ${route ?? '(no route)'}`;
}

/** Longest resource recorded: paths are the client's, and the audit topic is not a dump. */
const MAX_RESOURCE_LENGTH = 300;

/**
 * The resource: the path asked for, relative, without a query string (queries may carry
 * anything), cut to a bounded length. Our routes carry names, versions and pseudonyms only.
 */
export function resourceOf(path: string): string {
  const withoutQuery = path.split('?')[0].replace(/^\/+/, '');
  return withoutQuery.length > MAX_RESOURCE_LENGTH
    ? `${withoutQuery.slice(0, MAX_RESOURCE_LENGTH)}…`
    : withoutQuery;
}

/** The audit event's fields (its envelope is the publisher's). */
export function auditRecordOf(request: AnsweredRequest): Omit<AuditRecorded, 'envelope'> {
  return {
    principal: request.principal?.id ?? 'anonymous',
    authMethod: request.principal ? request.authMethod : 'none',
    roles: [...(request.principal?.roles ?? [])],
    service: request.service,
    action: actionOf(request.method, request.route),
    resource: resourceOf(request.path),
    outcome: outcomeOf(request.status),
    status: request.status,
    requestId: request.requestId ?? null,
  };
}
