// Table metadata as a person needs it: EntityDefinitions with their Attributes (type, required level,
// display name), and the values of choice, state and status columns read through the typed attribute casts
// (`Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet`), since the plain
// Attributes collection does not carry options (query-metadata-web-api).
import { ValidationError } from '../errors';
import type { DataverseTransport } from './transport';
import type { ChoiceOption, ColumnInfo, TableInfo, TableSummary } from './types';

/** Metadata changes rarely (a solution import); ten minutes keeps `lc dv` snappy without going stale for long. */
export const METADATA_TTL_MS = 10 * 60_000;

const ENTITY_SELECT = 'LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName,IsCustomEntity';
const ATTRIBUTE_SELECT = 'LogicalName,AttributeType,RequiredLevel,DisplayName,IsPrimaryId,IsPrimaryName';
const CHOICE_CASTS = ['PicklistAttributeMetadata', 'StateAttributeMetadata', 'StatusAttributeMetadata'];

interface Label {
  UserLocalizedLabel?: { Label?: string } | null;
}

interface EntityDefinition {
  LogicalName: string;
  EntitySetName: string;
  PrimaryIdAttribute: string;
  PrimaryNameAttribute?: string | null;
  DisplayName?: Label;
  IsCustomEntity?: boolean;
  Attributes?: AttributeDefinition[];
}

interface AttributeDefinition {
  LogicalName: string;
  AttributeType: string;
  RequiredLevel?: { Value?: string };
  DisplayName?: Label;
  IsPrimaryId?: boolean;
  IsPrimaryName?: boolean;
}

interface ChoiceAttribute {
  LogicalName: string;
  OptionSet?: { Options?: { Value: number; Label?: Label }[] } | null;
}

function labelText(label: Label | undefined): string | undefined {
  return label?.UserLocalizedLabel?.Label ?? undefined;
}

function toSummary(entity: EntityDefinition): TableSummary {
  return {
    logicalName: entity.LogicalName,
    entitySet: entity.EntitySetName,
    displayName: labelText(entity.DisplayName),
    primaryId: entity.PrimaryIdAttribute,
    primaryName: entity.PrimaryNameAttribute ?? undefined,
    isCustom: entity.IsCustomEntity === true,
  };
}

function toColumn(attribute: AttributeDefinition, choices: Map<string, ChoiceOption[]>): ColumnInfo {
  const options = choices.get(attribute.LogicalName);
  return {
    logicalName: attribute.LogicalName,
    displayName: labelText(attribute.DisplayName),
    type: attribute.AttributeType,
    requiredLevel: attribute.RequiredLevel?.Value ?? 'None',
    isPrimaryId: attribute.IsPrimaryId === true,
    isPrimaryName: attribute.IsPrimaryName === true,
    ...(options ? { choices: options } : {}),
  };
}

export async function listTables(transport: DataverseTransport, signal?: AbortSignal): Promise<TableSummary[]> {
  const { data } = await transport.json<{ value: EntityDefinition[] }>({
    method: 'GET',
    path: `EntityDefinitions?$select=${ENTITY_SELECT}`,
    operation: 'listing tables',
    signal,
    cacheTtlMs: METADATA_TTL_MS,
  });
  return (data?.value ?? []).map(toSummary).sort((a, b) => a.logicalName.localeCompare(b.logicalName));
}

async function choiceValues(
  transport: DataverseTransport,
  logicalName: string,
  signal?: AbortSignal,
): Promise<Map<string, ChoiceOption[]>> {
  const casts = await Promise.all(
    CHOICE_CASTS.map((cast) =>
      transport.json<{ value: ChoiceAttribute[] }>({
        method: 'GET',
        path: `EntityDefinitions(LogicalName='${logicalName}')/Attributes/Microsoft.Dynamics.CRM.${cast}?$select=LogicalName&$expand=OptionSet`,
        operation: `reading the choices of ${logicalName}`,
        signal,
        cacheTtlMs: METADATA_TTL_MS,
      }),
    ),
  );
  const choices = new Map<string, ChoiceOption[]>();
  for (const { data } of casts) {
    for (const attribute of data?.value ?? []) {
      const options = attribute.OptionSet?.Options ?? [];
      choices.set(
        attribute.LogicalName,
        options.map((o) => ({ value: o.Value, label: labelText(o.Label) ?? String(o.Value) })),
      );
    }
  }
  return choices;
}

const LOGICAL_NAME = /^[a-z_][a-z0-9_]*$/i;

export async function getTable(
  transport: DataverseTransport,
  logicalName: string,
  signal?: AbortSignal,
): Promise<TableInfo> {
  // The name goes inside a quoted key; a logical name never holds a quote, so anything else is refused here.
  if (!LOGICAL_NAME.test(logicalName)) {
    throw new ValidationError(`"${logicalName}" is not a table's logical name.`, { code: 'dataverse.invalidTable' });
  }
  const [entityAnswer, choices] = await Promise.all([
    transport.json<EntityDefinition>({
      method: 'GET',
      path: `EntityDefinitions(LogicalName='${logicalName}')?$select=${ENTITY_SELECT}&$expand=Attributes($select=${ATTRIBUTE_SELECT})`,
      operation: `reading the definition of table ${logicalName}`,
      signal,
      cacheTtlMs: METADATA_TTL_MS,
    }),
    choiceValues(transport, logicalName, signal),
  ]);
  const entity = entityAnswer.data as EntityDefinition;
  const columns = (entity.Attributes ?? [])
    .map((a) => toColumn(a, choices))
    .sort((a, b) => a.logicalName.localeCompare(b.logicalName));
  return { ...toSummary(entity), columns };
}
