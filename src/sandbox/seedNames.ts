// The word lists the seeded practice draws its clients and messages from: names, time zones and
// phone prefixes per language (E.164, no spaces, as ACS takes a number), and the reminder texts a
// practitioner would write in each language, by e-mail and by SMS.

import type { SeedClient } from './types';

export type Language = SeedClient['language'];

export interface LanguageProfile {
  firstNames: readonly string[];
  lastNames: readonly string[];
  timeZones: readonly string[];
  /** E.164 digits before the client's own five: `+447700 9` written without its spaces. */
  phonePrefix: string;
  reminderSubject: (when: string) => string;
  reminderText: (firstName: string, when: string) => string;
  followUpSubject: string;
  followUpText: (firstName: string) => string;
  /** The same as SMS: plain text on one line, no subject. */
  reminderSms: (firstName: string, when: string) => string;
  followUpSms: (firstName: string) => string;
}

export const LANGUAGE_WEIGHTS: ReadonlyArray<readonly [Language, number]> = [
  ['en', 0.4],
  ['de', 0.3],
  ['fr', 0.15],
  ['es', 0.15],
];

export const LANGUAGES: Readonly<Record<Language, LanguageProfile>> = {
  en: {
    firstNames: [
      'Olivia',
      'Amelia',
      'Isla',
      'Grace',
      'Noah',
      'Oliver',
      'Arthur',
      'Leo',
      'Harper',
      'Siobhan',
      'Priya',
      'Aisha',
      'Liam',
      'Chloe',
      'Ethan',
      "Ta'Nisha",
    ],
    lastNames: [
      'Smith',
      'Jones',
      'Taylor',
      'Brown',
      'Williams',
      'Wilson',
      'Evans',
      "O'Connor",
      'Patel',
      'Khan',
      'Murphy',
      'Walker',
      'Wright',
      'Robinson',
      'Hughes',
    ],
    timeZones: ['Europe/London', 'Europe/Dublin', 'America/New_York', 'America/Toronto'],
    phonePrefix: '+4477009',
    reminderSubject: (when) => `Reminder: your session on ${when}`,
    reminderText: (first, when) =>
      `Hello ${first},\n\nthis is a friendly reminder of your session on ${when}. If you cannot make it, please let me know at least 24 hours in advance.\n\nKind regards,\nDr. Morgan`,
    followUpSubject: 'Thank you for today',
    followUpText: (first) =>
      `Hello ${first},\n\nthank you for today's session. As discussed, here is a short summary of the exercise for this week.\n\nKind regards,\nDr. Morgan`,
    reminderSms: (first, when) =>
      `Hello ${first}, a reminder of your session on ${when}. If you cannot make it, please let me know. Dr. Morgan`,
    followUpSms: (first) => `Hello ${first}, thank you for today's session. Dr. Morgan`,
  },
  de: {
    firstNames: [
      'Lena',
      'Jürgen',
      'Anna',
      'Lukas',
      'Sophie',
      'Maximilian',
      'Björn',
      'Marie',
      'Jonas',
      'Özlem',
      'Katharina',
      'Felix',
      'Ute',
      'Matthias',
      'Zoë',
    ],
    lastNames: [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Schäfer',
      'Koch',
      'Groß',
      'Yılmaz',
      'Hoffmann',
      'von Bülow',
      'Krüger',
    ],
    timeZones: ['Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich'],
    phonePrefix: '+491512',
    reminderSubject: (when) => `Erinnerung: Ihr Termin am ${when}`,
    reminderText: (first, when) =>
      `Hallo ${first},\n\nich möchte Sie an Ihren Termin am ${when} erinnern. Falls Sie verhindert sind, sagen Sie bitte mindestens 24 Stunden vorher ab.\n\nHerzliche Grüße\nDr. Morgan`,
    followUpSubject: 'Danke für die heutige Sitzung',
    followUpText: (first) =>
      `Hallo ${first},\n\nvielen Dank für die heutige Sitzung. Wie besprochen finden Sie hier die Übung für diese Woche.\n\nHerzliche Grüße\nDr. Morgan`,
    reminderSms: (first, when) =>
      `Hallo ${first}, ich erinnere Sie an Ihren Termin am ${when}. Falls Sie nicht kommen können, geben Sie mir bitte Bescheid. Dr. Morgan`,
    followUpSms: (first) => `Hallo ${first}, vielen Dank für die heutige Sitzung. Dr. Morgan`,
  },
  fr: {
    firstNames: [
      'Chloé',
      'Léa',
      'Manon',
      'Hélène',
      'Louis',
      'Gabriel',
      'Raphaël',
      'Inès',
      'Théo',
      'Céline',
      'François',
      'Amélie',
      'Noé',
      'Maëlle',
      'Yasmine',
    ],
    lastNames: [
      'Martin',
      'Bernard',
      'Dubois',
      'Lefèvre',
      'Moreau',
      'Laurent',
      'Girard',
      'Roux',
      'Fournier',
      'Mercier',
      'Benali',
      'Faure',
      'Chevalier',
      'Garnier',
      'Lemaître',
    ],
    timeZones: ['Europe/Paris', 'Europe/Brussels', 'America/Montreal'],
    phonePrefix: '+336123',
    reminderSubject: (when) => `Rappel : votre séance du ${when}`,
    reminderText: (first, when) =>
      `Bonjour ${first},\n\nje vous rappelle votre séance du ${when}. En cas d'empêchement, merci de me prévenir au moins 24 heures à l'avance.\n\nBien cordialement,\nDr Morgan`,
    followUpSubject: 'Merci pour la séance',
    followUpText: (first) =>
      `Bonjour ${first},\n\nmerci pour la séance d'aujourd'hui. Comme convenu, voici l'exercice pour cette semaine.\n\nBien cordialement,\nDr Morgan`,
    reminderSms: (first, when) =>
      `Bonjour ${first}, un rappel de votre séance du ${when}. Si vous ne pouvez pas venir, merci de me prévenir. Dr Morgan`,
    followUpSms: (first) => `Bonjour ${first}, merci pour la séance d'aujourd'hui. Dr Morgan`,
  },
  es: {
    firstNames: [
      'Lucía',
      'María',
      'Sofía',
      'Martín',
      'Hugo',
      'Alejandro',
      'Paula',
      'Íñigo',
      'Carmen',
      'Javier',
      'Nuria',
      'Begoña',
      'Ramón',
      'Ximena',
      'José Luis',
    ],
    lastNames: [
      'García',
      'Fernández',
      'González',
      'Rodríguez',
      'López',
      'Martínez',
      'Sánchez',
      'Pérez',
      'Gómez',
      'Muñoz',
      'Díaz',
      'Iglesias',
      'Ortega',
      'Castaño',
      'Núñez',
    ],
    timeZones: ['Europe/Madrid', 'Atlantic/Canary', 'America/Mexico_City', 'America/Bogota'],
    phonePrefix: '+346123',
    reminderSubject: (when) => `Recordatorio: su sesión del ${when}`,
    reminderText: (first, when) =>
      `Hola ${first}:\n\nle recuerdo su sesión del ${when}. Si no puede asistir, avíseme con al menos 24 horas de antelación.\n\nUn saludo,\nDra. Morgan`,
    followUpSubject: 'Gracias por la sesión de hoy',
    followUpText: (first) =>
      `Hola ${first}:\n\ngracias por la sesión de hoy. Como hablamos, aquí tiene el ejercicio para esta semana.\n\nUn saludo,\nDra. Morgan`,
    reminderSms: (first, when) =>
      `Hola ${first}: le recuerdo su sesión del ${when}. Si no puede venir, avíseme, por favor. Dra. Morgan`,
    followUpSms: (first) => `Hola ${first}: gracias por la sesión de hoy. Dra. Morgan`,
  },
};

export const EMAIL_DOMAINS: readonly string[] = [
  'example.com',
  'example.org',
  'example.net',
  'mail.example',
  'post.example',
];

export const SESSION_NOTES: readonly string[] = [
  'Reviewed the sleep diary; agreed to keep the wind-down routine for another week.',
  'Worked on the thought record from last session; anxiety ratings lower than last month.',
  'Discussed the upcoming move; practised the grounding exercise together.',
  'Client asked to move to fortnightly sessions after the summer.',
  'Explored the conflict at work; homework: write down three situations and reactions.',
];

export const LOCATIONS: readonly string[] = ['Practice room 1', 'Practice room 2', 'Online (Microsoft Teams)'];

export const SEND_ERRORS: readonly string[] = [
  'Graph 429 ApplicationThrottled: Application is over its MailboxConcurrency limit.',
  'Graph 400 ErrorInvalidRecipients: At least one recipient is not valid.',
  'Timed out after 15000 ms waiting for Graph sendMail.',
];

/** Lowercase ASCII for an e-mail local part: "Jürgen Groß" → "jurgen.gross". */
export function emailLocalPart(firstName: string, lastName: string): string {
  const ascii = (text: string): string =>
    text
      .replace(/ß/g, 'ss')
      .replace(/ı/g, 'i')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '');
  return `${ascii(firstName)}.${ascii(lastName)}`;
}
