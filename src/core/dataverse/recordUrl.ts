// The model-driven app's page for one row (Open in Dataverse): `<environment>/main.aspx?pagetype=entityrecord
// &etn=<logical name>&id=<guid>`, with `appid=<guid>` first when the practice names its app, so the row opens
// in that app's forms rather than the environment's default. Every part is checked before it is written.
import { ValidationError } from '../errors';
import { normalizeGuid } from './filter';

const LOGICAL_NAME = /^[a-z_][a-z0-9_]*$/;

export function dataverseRecordUrl(
  environmentUrl: string,
  logicalName: string,
  id: string,
  options: { appId?: string } = {},
): string {
  let environment: URL;
  try {
    environment = new URL(environmentUrl);
  } catch {
    throw new ValidationError(`"${environmentUrl}" is not a Dataverse environment URL.`, {
      code: 'dataverse.invalidEnvironmentUrl',
    });
  }
  if (environment.protocol !== 'https:') {
    throw new ValidationError(`The Dataverse environment URL must be https, not "${environmentUrl}".`, {
      code: 'dataverse.invalidEnvironmentUrl',
    });
  }
  if (!LOGICAL_NAME.test(logicalName)) {
    throw new ValidationError(`"${logicalName}" is not a table's logical name.`, { code: 'dataverse.invalidColumn' });
  }
  const url = new URL('/main.aspx', environment.origin);
  if (options.appId !== undefined) url.searchParams.set('appid', normalizeGuid(options.appId, 'app id'));
  url.searchParams.set('pagetype', 'entityrecord');
  url.searchParams.set('etn', logicalName);
  url.searchParams.set('id', normalizeGuid(id));
  return url.toString();
}
