// Public surface of the reminder actions: approve, skip, edit and retry one scheduled message.
export * from './reminderActions';
