/** Activities that touch a sandbox run on the queue of the one worker host that holds it. */
export function hostTaskQueueName(sharedTaskQueue: string, workerHostId: string): string {
  return `${sharedTaskQueue}-host-${workerHostId}`;
}
