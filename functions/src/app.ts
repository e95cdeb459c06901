// Registers the worker's functions on the v4 programming model's `app` (or anything shaped like it: the
// tests pass a recorder, since outside the Functions host the package runs in test mode and registers
// nothing). Schedule and queue name come from app settings through the host's %setting% syntax.
import type { app as functionsApp } from '@azure/functions';
import { enqueueDueMailboxes, health, sendMailboxReminders } from './handlers';
import type { WorkerServices } from './services';

export type FunctionsRegistrar = Pick<typeof functionsApp, 'timer' | 'storageQueue' | 'http'>;

export const FUNCTION_NAMES = {
  timer: 'enqueueDueMailboxes',
  queue: 'sendMailboxReminders',
  health: 'health',
} as const;

export function registerWorkerFunctions(app: FunctionsRegistrar, services: WorkerServices): void {
  app.timer(FUNCTION_NAMES.timer, {
    schedule: '%LC_WORKER_SCHEDULE%',
    handler: enqueueDueMailboxes(services),
  });
  app.storageQueue(FUNCTION_NAMES.queue, {
    queueName: '%LC_WORKER_QUEUE%',
    connection: 'AzureWebJobsStorage',
    handler: sendMailboxReminders(services),
  });
  app.http(FUNCTION_NAMES.health, {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: 'health',
    handler: health(services),
  });
}
