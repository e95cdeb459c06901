// The sandbox's Dataverse Web API v9.2 service: the factory the sandbox server calls, and the
// options and types others need. Everything else in this folder is internal.

import type { ServiceContext } from '../types';
import { DataverseSandboxService, type DataverseService, type DataverseServiceOptions } from './service';

export type { DataverseService, DataverseServiceOptions } from './service';
export type { DataverseLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';
export { MAX_BATCH_OPERATIONS } from './batch';

export function createDataverseService(ctx: ServiceContext, options?: DataverseServiceOptions): DataverseService {
  return new DataverseSandboxService(ctx, options);
}
