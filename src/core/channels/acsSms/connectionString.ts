// An ACS connection string, `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64>`: the
// endpoint is inside the secret, so it is checked here (https, a base64 key) and never echoed in an error.
import { ValidationError } from '../../errors';

export interface AcsConnection {
  endpoint: URL;
  accessKey: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseAcsConnectionString(connectionString: string): AcsConnection {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const endpointText = fields.get('endpoint');
  const accessKey = fields.get('accesskey');
  let endpoint: URL | undefined;
  try {
    endpoint = endpointText === undefined ? undefined : new URL(endpointText);
  } catch {
    endpoint = undefined;
  }
  if (
    endpoint === undefined ||
    endpoint.protocol !== 'https:' ||
    (endpoint.pathname !== '/' && endpoint.pathname !== '') ||
    accessKey === undefined ||
    !BASE64.test(accessKey)
  ) {
    throw new ValidationError(
      'The ACS connection string is not of the form endpoint=https://<resource>.communication.azure.com/;accesskey=<key>. ' +
        'Copy it from the resource’s Keys page into LC_ACS_CONNECTION_STRING.',
      { code: 'channels.acsConnectionString', retriable: false },
    );
  }
  return { endpoint, accessKey };
}
