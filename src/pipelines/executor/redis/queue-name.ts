/** The BullMQ queue stage jobs go through (workers listen on the same name). */
export const DEFAULT_STAGE_QUEUE = 'cairn-stages'

/** The Redis channel on which runners ask workers to stop a job. */
export function cancelChannel(queue: string): string {
  return `cairn:${queue}:cancel`
}
