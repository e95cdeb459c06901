// The `lc` entry: one commander program, global options, and the verbs of each domain. Each verb's module,
// and with it what the verb needs (MSAL, undici, the Stripe SDK, the MCP SDK, the sandbox), is imported only
// when argv names that verb, so `lc --version` and `lc --help` start about as fast as Node itself: the build
// (esbuild.mjs) makes each verb an ES module in dist/lc/ beside this file's dist/cli.js. Usage errors exit 10 with the usage on stderr
// (../shared/INTERFACES.md §3).
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';

interface Verb {
  readonly name: string;
  /** The verb's description, shown by `lc --help` without loading it (a test keeps it equal to the verb's own). */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const VERBS: readonly Verb[] = [
  {
    name: 'config',
    summary: 'Inspect the effective configuration',
    load: async () => (await import('./commands/config')).configCommand(),
  },
  {
    name: 'auth',
    summary: 'Sign in with the app registration and check who the app is',
    load: async () => (await import('./commands/auth')).authCommand(),
  },
  {
    name: 'doctor',
    summary: 'Check configuration, secrets and reachability, one line a check',
    load: async () => (await import('./commands/doctor')).doctorCommand(),
  },
  {
    name: 'dv',
    summary: 'Dataverse: tables, queries, rows and notes',
    load: async () => (await import('./commands/dv')).dvCommand(),
  },
  {
    name: 'sessions',
    summary: "Sessions: the practitioner's day and week",
    load: async () => (await import('./commands/sessions')).sessionsCommand(),
  },
  {
    name: 'reminders',
    summary: 'Reminders and follow-ups: what is due, what failed, sending',
    load: async () => (await import('./commands/reminders')).remindersCommand(),
  },
  {
    name: 'stripe',
    summary: 'Payments through Stripe: charge, follow and refund sessions',
    load: async () => (await import('./commands/stripe')).stripeCommand(),
  },
  {
    name: 'webhooks',
    summary: 'The local webhook receiver: Stripe, Graph and flow callbacks',
    load: async () => (await import('./commands/webhooks')).webhooksCommand(),
  },
  {
    name: 'worker',
    summary: 'The unattended work: due reminders and payment reconciliation',
    load: async () => (await import('./commands/worker')).workerCommand(),
  },
  {
    name: 'flows',
    summary: 'Logic Apps and Power Automate flows: trigger one with a record',
    load: async () => (await import('./commands/flows')).flowsCommand(),
  },
  {
    name: 'mcp',
    summary:
      "Serve Life Cockpit's tools to an AI agent over stdio (Model Context Protocol): reads freely, writes only with approval",
    load: async () => (await import('./commands/mcp')).mcpCommand(),
  },
  {
    name: 'sandbox',
    summary: 'Run the offline sandbox (Entra ID, Graph, Dataverse, Stripe) on 127.0.0.1 until Ctrl+C',
    load: async () => (await import('./commands/sandbox')).sandboxCommand(),
  },
];

/** Global options that take a value: the word after them is that value, never a verb. */
const OPTIONS_WITH_VALUE = new Set(['-p', '--profile']);

/**
 * The verb argv names (`lc -p work sessions list` → sessions; `lc help sessions` → sessions), or none
 * for `lc --version`, `lc --help` and unknown words, which commander answers from the program alone.
 */
export function verbNamed(argv: readonly string[]): Verb | undefined {
  const words = argv.slice(2);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') return undefined;
    if (OPTIONS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith('-')) continue;
    if (word === 'help') continue;
    return VERBS.find((v) => v.name === word);
  }
  return undefined;
}

/**
 * The program for `argv`: global options, the named verb in full, and every other verb as its name and
 * description only (enough for help and for commander's "unknown command" suggestions).
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('lc')
    .description('Life Cockpit: your practice on Microsoft 365 and Stripe, from the terminal')
    .version(version, '-V, --version')
    .option('--json', 'print one JSON document on stdout (NDJSON for streams); human text goes to stderr')
    .option('-y, --yes', 'confirm effects (mail, record changes, charges) without asking')
    .option('-p, --profile <name>', 'use this profile instead of the active one')
    .option('-v, --verbose', 'log to stderr at debug level')
    .showHelpAfterError('(run lc --help for usage)');
  const named = verbNamed(argv);
  for (const verb of VERBS) {
    program.addCommand(verb === named ? await verb.load() : new Command(verb.name).description(verb.summary));
  }
  applyRecursively(program, (c) => c.exitOverride());
  return program;
}

function applyRecursively(command: Command, apply: (c: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyRecursively(sub, apply);
}

/**
 * The exit code a commander error carries (help, version, usage errors), or undefined for any other error.
 * Each verb's chunk carries its own copy of commander, so an error from a verb's parsing is another
 * copy's CommanderError: it is known by its code, not by instanceof.
 */
function commanderExitCode(error: unknown): number | undefined {
  if (error instanceof CommanderError) return error.exitCode;
  const { code, exitCode } = (error ?? {}) as { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number'
    ? exitCode
    : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const exitCode = commanderExitCode(error);
    if (exitCode !== undefined) return exitCode === 0 ? 0 : 10;
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
