// The texts the suite expects from Life Cockpit's UI, in one place so a change of wording is one edit.
export const CONTAINER = 'Life Cockpit';
export const VIEWS = { sessions: 'Sessions', reminders: 'Reminders' };
export const COMMANDS = {
  signIn: 'Life Cockpit: Sign In',
  showConfiguration: 'Life Cockpit: Show Configuration',
};
export const SIGNED_OUT_WELCOME = /signed out/i;
export const WELCOME_BUTTONS = ['Sign In', 'Start Sandbox'];
/** The sign-in input box, matched against its title, prompt and placeholder together. */
export const SECRET_PROMPT = /client secret.*sandbox/i;
/** The status-bar item once signed in to the sandbox profile. */
export const STATUS_SIGNED_IN = /Life Cockpit: sandbox|signed in/i;
export const OUTPUT_CHANNEL = 'Life Cockpit';
export const SIGNED_IN_LOG_LINE = /signed in/i;
