// `lc config show`: the effective configuration with each value's source, secrets masked.
import { Command } from 'commander';
import { configEntries, renderConfiguration } from '../../core/config';
import { reportsConfiguration, verb } from '../action';

export function configCommand(): Command {
  const config = new Command('config').description('Inspect the effective configuration');
  config
    .command('show')
    .description(
      'Print every setting with the layer it came from (environment, .env, settings, default); secrets masked',
    )
    .action(
      verb(async ({ out, runtime }) => {
        const { loaded } = runtime;
        const secrets = runtime.secretPresence();
        out.result(
          {
            activeProfile: loaded.config.activeProfile,
            profileDefined: loaded.activeProfile !== undefined,
            entries: configEntries(loaded, secrets),
            problems: loaded.problems,
            warnings: loaded.warnings,
          },
          () => renderConfiguration(loaded, secrets),
        );
      }, reportsConfiguration),
    );
  return config;
}
