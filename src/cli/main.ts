// The `lc` entry: one commander program, global options, and the verbs of each domain. Usage errors
// exit 10 with the usage on stderr (../shared/INTERFACES.md §3).
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { authCommand } from './commands/auth';
import { configCommand } from './commands/config';
import { doctorCommand } from './commands/doctor';
import { dvCommand } from './commands/dv';
import { flowsCommand } from './commands/flows';
import { mcpCommand } from './commands/mcp';
import { remindersCommand } from './commands/reminders';
import { sandboxCommand } from './commands/sandbox';
import { sessionsCommand } from './commands/sessions';
import { stripeCommand } from './commands/stripe';
import { webhooksCommand } from './commands/webhooks';
import { workerCommand } from './commands/worker';

export function buildProgram(): Command {
  const program = new Command('lc')
    .description('Life Cockpit: your practice on Microsoft 365 and Stripe, from the terminal')
    .version(version, '-V, --version')
    .option('--json', 'print one JSON document on stdout (NDJSON for streams); human text goes to stderr')
    .option('-y, --yes', 'confirm effects (mail, record changes, charges) without asking')
    .option('-p, --profile <name>', 'use this profile instead of the active one')
    .option('-v, --verbose', 'log to stderr at debug level')
    .showHelpAfterError('(run lc --help for usage)');
  program.addCommand(configCommand());
  program.addCommand(authCommand());
  program.addCommand(doctorCommand());
  program.addCommand(dvCommand());
  program.addCommand(sessionsCommand());
  program.addCommand(remindersCommand());
  program.addCommand(stripeCommand());
  program.addCommand(webhooksCommand());
  program.addCommand(workerCommand());
  program.addCommand(flowsCommand());
  program.addCommand(mcpCommand());
  program.addCommand(sandboxCommand());
  applyRecursively(program, (c) => c.exitOverride());
  return program;
}

function applyRecursively(command: Command, apply: (c: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyRecursively(sub, apply);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 10;
    throw error;
  }
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`lc: ${String(error)}\n`);
      process.exitCode = 13;
    },
  );
}
