// Public surface of the practice module: the practice's Dataverse tables, columns and choice values
// (its domain schema), and how the user's `lifeCockpit.tables` overrides map onto them. Sessions,
// reminders, the Dataverse client's defaults and the sandbox's seed all read the schema from here.
export * from './schema';
export { resolveTables, type TableOverrides } from './tables';
