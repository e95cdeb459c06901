// The channels' secrets are read one way by every runtime without an editor (the CLI with its `.env`, the
// worker's app settings, the agents' server): the CLI's names, the environment before `.env`, blank as unset.
import { strict as assert } from 'node:assert';
import { CHANNEL_SECRET_ENV, CHANNEL_SECRET_NAMES, readChannelSecrets } from '../../../src/core/channels';
import { environmentSecrets, SECRET_ENV } from '../../../src/core/config';

describe('readChannelSecrets', () => {
  it('reads the three channel secrets under the names the CLI documents', () => {
    assert.deepEqual(
      CHANNEL_SECRET_NAMES.map((name) => SECRET_ENV[name]).sort(),
      Object.values(CHANNEL_SECRET_ENV).sort(),
    );
    const secrets = readChannelSecrets(
      environmentSecrets({
        LC_ACS_CONNECTION_STRING: 'endpoint=https://x.communication.azure.com/;accesskey=a2V5',
        LC_SMTP_URL: ' smtp://u:p@mail.example.test:587 ',
        LC_SENDGRID_API_KEY: '',
        LC_CLIENT_SECRET: 'not a channel secret',
      }),
    );
    assert.deepEqual(secrets, {
      acsConnectionString: 'endpoint=https://x.communication.azure.com/;accesskey=a2V5',
      smtpUrl: 'smtp://u:p@mail.example.test:587',
    });
  });

  it('takes the environment before the workspace’s .env, and .env when the environment leaves one unset', () => {
    const secret = environmentSecrets(
      { LC_SENDGRID_API_KEY: 'SG.from-env', LC_SMTP_URL: '' },
      { LC_SENDGRID_API_KEY: 'SG.from-dotenv', LC_SMTP_URL: 'smtps://u:p@mail.example.test:465' },
    );
    assert.deepEqual(readChannelSecrets(secret), {
      sendgridApiKey: 'SG.from-env',
      smtpUrl: 'smtps://u:p@mail.example.test:465',
    });
  });
});
