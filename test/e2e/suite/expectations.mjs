// The texts the suite expects from Life Cockpit's UI, in one place so a change of wording is one edit.
export const CONTAINER = 'Life Cockpit';
export const VIEWS = { sessions: 'Sessions', reminders: 'Reminders', webhookInbox: 'Webhook Inbox' };
export const COMMANDS = {
  signIn: 'Life Cockpit: Sign In',
  showConfiguration: 'Life Cockpit: Show Configuration',
  signOut: 'Life Cockpit: Sign Out',
  testConnection: 'Life Cockpit: Test Connection',
  switchProfile: 'Life Cockpit: Switch Profile',
};
export const SIGNED_OUT_WELCOME = /signed out/i;
export const WELCOME_BUTTONS = ['Sign In', 'Start Sandbox'];
/** The sign-in input box, matched against its title, prompt and placeholder together. */
export const SECRET_PROMPT = /client secret.*sandbox/i;
/** The status-bar item once signed in to the sandbox profile. */
export const STATUS_SIGNED_IN = /Life Cockpit: sandbox|signed in/i;
export const OUTPUT_CHANNEL = 'Life Cockpit';
export const SIGNED_IN_LOG_LINE = /signed in/i;
/** The Sessions view's groups, top to bottom; "Past 30 Days" starts collapsed. */
export const SESSION_GROUPS = ['Today', 'This Week', 'Later', 'Needs Attention', 'Past 30 Days'];
export const PAST_GROUP = 'Past 30 Days';
/** The Reminders view's groups, top to bottom. */
export const REMINDER_GROUPS = ['Due Now', 'Needs a Check', 'Needs Approval', 'Scheduled', 'Failed', 'Sent (recent)'];
export const COPY_SESSION_ID = 'Copy Session Id';
/** The status-bar message after "Copy Session Id"; group 1 is the id (a Dataverse GUID). */
export const COPIED_SESSION_ID = /Copied session id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
export const CONNECTION_PROGRESS = /Life Cockpit: testing the connection/;
export const CONNECTION_DOCUMENT = 'Connection.md';
/** Lines of Connection.md for the sandbox app (its seeded Graph roles and the Dataverse WhoAmI). */
export const CONNECTION_LINES = [/Mail\.Send/, /WhoAmI UserId [0-9a-f-]{36}/i];
export const CONNECTION_TESTED_LOG_LINE = /connection tested/;
/** The status-bar item of the sandbox profile exactly (STATUS_SIGNED_IN also accepts other wordings). */
export const STATUS_SANDBOX = /Life Cockpit: sandbox/;
export const STATUS_SIGNED_OUT = /Life Cockpit: signed out/;
export const SIGNED_OUT_NOTIFICATION = /Signed out of sandbox/;
export const ACCOUNT_ACTIONS_SIGNED_IN = ['Test Connection', 'Switch Profile', 'Sign Out', 'Show Log'];
export const PREVIEW_DUE_REMINDERS = 'Life Cockpit: Preview Due Reminders';
export const SEND_DUE_REMINDERS = 'Life Cockpit: Send Due Reminders';
/** The dry-run document's first line; group 1 is the number of messages. */
export const DUE_PREVIEW_HEADING = /# Due reminders: (\d+) messages? would leave/;
/** The one question before sending; it names the count and the profile. */
export const SEND_QUESTION = /Send (\d+) due reminders? to clients from profile "sandbox"\?/;
export const SEND_BUTTON = 'Send';
export const SEND_SUMMARY = /Sent due reminders on profile "sandbox": /;
export const MARK_ATTENDED = 'Mark Attended';
/** After Mark Attended: names the profile and says the follow-up is drafted. */
export const MARKED_ATTENDED = /attended on profile "sandbox"; its follow-up is drafted in Reminders/;
export const NEEDS_APPROVAL = 'Needs Approval';
export const EDIT_REMINDER = 'Edit Reminder';
/** After saving an edited reminder: names the profile. */
export const REMINDER_SAVED = /Saved the (reminder|follow-up) to .* on profile "sandbox"/;
export const PREVIEW_REMINDER = 'Preview Reminder';
export const START_WEBHOOK_RECEIVER = 'Life Cockpit: Start Webhook Receiver';
export const STOP_WEBHOOK_RECEIVER = 'Life Cockpit: Stop Webhook Receiver';
/** The receiver's status-bar item; group 1 of LISTENING is the port. */
export const WEBHOOK_RECEIVER_LISTENING = /Webhooks: listening on port (\d+)/;
export const WEBHOOK_RECEIVER_STOPPED = /Webhooks: stopped/;
/** The password boxes that ask for the profile's Stripe secrets when the receiver starts without them. */
export const STRIPE_WEBHOOK_SECRET_PROMPT = /webhook signing secret|whsec_/i;
export const STRIPE_KEY_PROMPT = /secret key|sk_test_/i;
/** Charge Session (issue 16): the row action, its question and the test-mode notification. */
export const CHARGE_SESSION = 'Charge Session';
export const CHARGE_QUESTION = /Charge \d+\.\d{2} [A-Z]{3} for ".*" in the sandbox profile "sandbox"/;
export const CHARGE_BUTTON = 'Charge';
export const CHARGED_IN_TEST_MODE = /Stripe sends no invoice e-mail in test mode/;
export const STRIPE_TEST_MODE = /Stripe TEST MODE/;
