// Table and column definitions as the Web API's metadata answers them (EntityMetadata,
// AttributeMetadata and its derived types, OptionSetMetadata), with labels in Dataverse's
// `{LocalizedLabels, UserLocalizedLabel}` shape.

import { isChoiceType, type ColumnDef, type OptionDef, type TableDef } from './schema';
import { stableUuid } from './wireValues';

const LANGUAGE = 1033;

export function label(text: string): object {
  const localized = {
    Label: text,
    LanguageCode: LANGUAGE,
    IsManaged: true,
    MetadataId: stableUuid(`label:${text}`),
    HasChanged: null,
  };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
}

const METADATA_TYPE: Record<ColumnDef['type'], string> = {
  String: 'StringAttributeMetadata',
  Memo: 'MemoAttributeMetadata',
  DateTime: 'DateTimeAttributeMetadata',
  Money: 'MoneyAttributeMetadata',
  Picklist: 'PicklistAttributeMetadata',
  Lookup: 'LookupAttributeMetadata',
  Owner: 'LookupAttributeMetadata',
  Uniqueidentifier: 'UniqueIdentifierAttributeMetadata',
  Integer: 'IntegerAttributeMetadata',
  BigInt: 'BigIntAttributeMetadata',
  Boolean: 'BooleanAttributeMetadata',
  State: 'StateAttributeMetadata',
  Status: 'StatusAttributeMetadata',
  EntityName: 'EntityNameAttributeMetadata',
};

export function metadataTypeOf(column: ColumnDef): string {
  return METADATA_TYPE[column.type];
}

function schemaName(logicalName: string): string {
  return logicalName.startsWith('cre92_')
    ? `cre92_${logicalName.slice(6, 7).toUpperCase()}${logicalName.slice(7)}`
    : logicalName.charAt(0).toUpperCase() + logicalName.slice(1);
}

export function entityMetadata(table: TableDef): Record<string, unknown> {
  return {
    MetadataId: table.metadataId,
    LogicalName: table.logicalName,
    SchemaName: schemaName(table.logicalName),
    EntitySetName: table.entitySet,
    LogicalCollectionName: table.entitySet,
    CollectionSchemaName: schemaName(table.entitySet),
    PrimaryIdAttribute: table.primaryId,
    PrimaryNameAttribute: table.primaryName,
    ObjectTypeCode: table.objectTypeCode,
    IsCustomEntity: table.isCustom,
    IsActivity: table.logicalName === 'appointment',
    HasNotes: ['contact', 'appointment', 'cre92_scheduledmessage'].includes(table.logicalName),
    OwnershipType: table.columns.has('ownerid')
      ? 'UserOwned'
      : table.logicalName === 'systemuser'
        ? 'BusinessOwned'
        : 'OrganizationOwned',
    DisplayName: label(table.label),
    DisplayCollectionName: label(table.collectionLabel),
    Description: label(table.label),
  };
}

function typeSpecific(column: ColumnDef): Record<string, unknown> {
  switch (column.type) {
    case 'String':
      return {
        MaxLength: column.maxLength,
        Format: column.logicalName.includes('email') ? 'Email' : 'Text',
        FormatName: { Value: 'Text' },
      };
    case 'Memo':
      return { MaxLength: column.maxLength, Format: 'TextArea' };
    case 'DateTime':
      return { Format: 'DateAndTime', DateTimeBehavior: { Value: 'UserLocal' } };
    case 'Money':
      return { Precision: 2, PrecisionSource: 2, MinValue: -922337203685477, MaxValue: 922337203685477 };
    case 'Integer':
      return { Format: 'None', MinValue: -2147483648, MaxValue: 2147483647 };
    case 'Lookup':
    case 'Owner':
      return { Targets: column.targets ?? [] };
    case 'Picklist':
    case 'State':
    case 'Status':
      return { DefaultFormValue: column.type === 'Picklist' ? -1 : undefined };
    default:
      return {};
  }
}

export function attributeMetadata(table: TableDef, column: ColumnDef): Record<string, unknown> {
  return {
    '@odata.type': `#Microsoft.Dynamics.CRM.${metadataTypeOf(column)}`,
    MetadataId: stableUuid(`attribute:${table.logicalName}.${column.logicalName}`),
    LogicalName: column.logicalName,
    SchemaName: schemaName(column.logicalName),
    EntityLogicalName: table.logicalName,
    AttributeType: column.type,
    AttributeTypeName: { Value: `${column.type}Type` },
    DisplayName: label(column.label),
    Description: label(column.label),
    IsPrimaryId: column.logicalName === table.primaryId,
    IsPrimaryName: column.logicalName === table.primaryName,
    IsCustomAttribute: column.custom === true,
    IsValidForCreate: !column.system,
    IsValidForUpdate: !column.system && column.logicalName !== table.primaryId,
    IsValidForRead: true,
    AttributeOf: null,
    RequiredLevel: {
      Value: column.logicalName === table.primaryId ? 'SystemRequired' : 'None',
      CanBeChanged: true,
      ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
    },
    ...typeSpecific(column),
  };
}

function optionMetadata(column: ColumnDef, option: OptionDef): Record<string, unknown> {
  const base: Record<string, unknown> = {
    Value: option.value,
    Color: null,
    IsManaged: !column.custom,
    ExternalValue: '',
    ParentValues: [],
    MetadataId: null,
    HasChanged: null,
    Label: label(option.label),
    Description: label(''),
  };
  if (column.type === 'State') {
    base['@odata.type'] = '#Microsoft.Dynamics.CRM.StateOptionMetadata';
    base.DefaultStatus = option.defaultStatus;
    base.InvariantName = option.label.replace(/\s/g, '');
  }
  if (column.type === 'Status') {
    base['@odata.type'] = '#Microsoft.Dynamics.CRM.StatusOptionMetadata';
    base.State = option.state;
    base.TransitionData = null;
  }
  return base;
}

/** The OptionSet navigation of a choice or boolean column (a local option set named table_column). */
export function optionSetMetadata(table: TableDef, column: ColumnDef): Record<string, unknown> | null {
  const common = {
    MetadataId: stableUuid(`optionset:${table.logicalName}.${column.logicalName}`),
    HasChanged: null,
    IsCustomOptionSet: column.custom === true,
    IsGlobal: false,
    IsManaged: !column.custom,
    Name: `${table.logicalName}_${column.logicalName}`,
    DisplayName: label(column.label),
    Description: label(''),
  };
  if (column.type === 'Boolean') {
    return {
      ...common,
      OptionSetType: 'Boolean',
      TrueOption: { Value: 1, Label: label('Yes') },
      FalseOption: { Value: 0, Label: label('No') },
    };
  }
  if (!isChoiceType(column.type)) return null;
  return {
    ...common,
    OptionSetType: column.type,
    Options: (column.options ?? []).map((option) => optionMetadata(column, option)),
  };
}
