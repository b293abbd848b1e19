/** A problem the operator must fix (a missing tool, a taken port); printed as one clear line. */
export class InfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}
