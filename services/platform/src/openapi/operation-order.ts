import type { OperationObject, ParameterObject } from '@nestjs/swagger';

const OPERATION_KEYS = [
  'operationId',
  'summary',
  'description',
  'tags',
  'parameters',
  'requestBody',
  'responses',
  'security',
  'x-readmit-role',
];

/**
 * An operation with its members, and its answers by status, in one order, whether swagger or
 * the contract wrote them first (swagger writes a body of an emitted parameter type where a
 * compiler emits one).
 */
export function inOrder(operation: OperationObject): OperationObject {
  const rank = (key: string) => {
    const at = OPERATION_KEYS.indexOf(key);
    return at === -1 ? OPERATION_KEYS.length : at;
  };
  const ordered = Object.fromEntries(
    Object.entries(operation).sort(([a], [b]) => rank(a) - rank(b)),
  ) as unknown as OperationObject; // the same members, reordered
  ordered.responses = Object.fromEntries(
    Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)),
  );
  return ordered;
}

/** A parameter with its members in one order, however swagger wrote it. */
export function canonical({
  name,
  in: location,
  required,
  ...rest
}: ParameterObject): ParameterObject {
  return { name, in: location, ...(required === undefined ? {} : { required }), ...rest };
}
