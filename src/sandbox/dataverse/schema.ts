// The shape of the sandbox's Dataverse tables: columns with Dataverse attribute types, choice options,
// single-valued navigation properties, and lookups by entity set or logical name. The concrete tables
// live in tables.ts; everything else reads them through a Schema.

export type AttributeType =
  | 'String'
  | 'Memo'
  | 'DateTime'
  | 'Money'
  | 'Picklist'
  | 'Lookup'
  | 'Owner'
  | 'Uniqueidentifier'
  | 'Integer'
  | 'BigInt'
  | 'Boolean'
  | 'State'
  | 'Status'
  | 'EntityName';

export interface OptionDef {
  value: number;
  label: string;
  /** State options: the status a row gets when only the state is set. */
  defaultStatus?: number;
  /** Status options: the state they belong to. */
  state?: number;
}

export interface ColumnDef {
  logicalName: string;
  type: AttributeType;
  label: string;
  options?: OptionDef[];
  /** Lookup targets (logical names). */
  targets?: string[];
  maxLength?: number;
  /** Set by the platform only (createdon, versionnumber, fullname…): writes are ignored. */
  system?: boolean;
  custom?: boolean;
}

export interface NavigationDef {
  /** Navigation property name, case-sensitive as in Dataverse (`cre92_Session`). */
  name: string;
  /** The lookup column it writes (`cre92_session`). */
  column: string;
  target: string;
}

export interface TableDef {
  logicalName: string;
  entitySet: string;
  primaryId: string;
  primaryName: string;
  label: string;
  collectionLabel: string;
  isCustom: boolean;
  objectTypeCode: number;
  metadataId: string;
  columns: Map<string, ColumnDef>;
  navigations: Map<string, NavigationDef>;
  /** Columns in the order rows are written out. */
  columnOrder: ColumnDef[];
}

/** A lookup value as stored: the target row and its table. */
export interface LookupValue {
  id: string;
  table: string;
}

export type CellValue = string | number | boolean | null | LookupValue;
export type Row = Record<string, CellValue>;

export function isLookupType(type: AttributeType): boolean {
  return type === 'Lookup' || type === 'Owner';
}

export function isChoiceType(type: AttributeType): boolean {
  return type === 'Picklist' || type === 'State' || type === 'Status';
}

/** The OData primitive type a column's values have in $filter and payloads. */
export function edmTypeOf(type: AttributeType): string {
  switch (type) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return 'Edm.String';
    case 'DateTime':
      return 'Edm.DateTimeOffset';
    case 'Money':
      return 'Edm.Decimal';
    case 'Picklist':
    case 'State':
    case 'Status':
    case 'Integer':
      return 'Edm.Int32';
    case 'BigInt':
      return 'Edm.Int64';
    case 'Boolean':
      return 'Edm.Boolean';
    case 'Lookup':
    case 'Owner':
    case 'Uniqueidentifier':
      return 'Edm.Guid';
  }
}

export class Schema {
  private readonly bySet = new Map<string, TableDef>();
  private readonly byName = new Map<string, TableDef>();

  constructor(readonly tables: TableDef[]) {
    for (const table of tables) {
      this.bySet.set(table.entitySet, table);
      this.byName.set(table.logicalName, table);
    }
  }

  tableBySet(entitySet: string): TableDef | undefined {
    return this.bySet.get(entitySet);
  }

  table(logicalName: string): TableDef | undefined {
    return this.byName.get(logicalName);
  }

  requireTable(logicalName: string): TableDef {
    const table = this.byName.get(logicalName);
    if (!table) throw new Error(`unknown table ${logicalName}`);
    return table;
  }
}

/** `_regardingobjectid_value` → `regardingobjectid`; other names → undefined. */
export function lookupColumnOfValueName(name: string): string | undefined {
  const match = /^_(.+)_value$/.exec(name);
  return match ? match[1] : undefined;
}

export function optionLabel(column: ColumnDef, value: number): string | undefined {
  return column.options?.find((option) => option.value === value)?.label;
}
