/** The execution failed on the server, or did not finish in time. */
export class ViewExecutionError extends Error {
  readonly executionId: string | undefined;
  constructor(message: string, executionId?: string) {
    super(message);
    this.name = 'ViewExecutionError';
    this.executionId = executionId;
  }
}
