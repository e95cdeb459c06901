// `GET /api/data/v9.2/$metadata`: the CSDL document describing the sandbox's tables, enough for
// clients that probe it or read entity types, keys, properties and navigation properties.

import { edmTypeOf, isLookupType, type Schema, type TableDef } from './schema';

function entityTypeXml(table: TableDef): string {
  const lines = [
    `<EntityType Name="${table.logicalName}" BaseType="mscrm.crmbaseentity">`,
    `<Key><PropertyRef Name="${table.primaryId}" /></Key>`,
  ];
  for (const column of table.columnOrder) {
    const name = isLookupType(column.type) ? `_${column.logicalName}_value` : column.logicalName;
    const unicode = edmTypeOf(column.type) === 'Edm.String' ? ' Unicode="false"' : '';
    lines.push(`<Property Name="${name}" Type="${edmTypeOf(column.type)}"${unicode} />`);
  }
  for (const nav of table.navigations.values()) {
    lines.push(
      `<NavigationProperty Name="${nav.name}" Type="mscrm.${nav.target}"><ReferentialConstraint Property="_${nav.column}_value" ReferencedProperty="${nav.target}id" /></NavigationProperty>`,
    );
  }
  lines.push('</EntityType>');
  return lines.join('');
}

export function csdlDocument(schema: Schema): string {
  const types = schema.tables.map(entityTypeXml).join('');
  const sets = schema.tables
    .map((t) => `<EntitySet Name="${t.entitySet}" EntityType="Microsoft.Dynamics.CRM.${t.logicalName}" />`)
    .join('');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:DataServices>',
    '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    '<EntityType Name="crmbaseentity" Abstract="true" />',
    types,
    '<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false" /><Property Name="UserId" Type="Edm.Guid" Nullable="false" /><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false" /></ComplexType>',
    '<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false" /></Function>',
    `<EntityContainer Name="System">${sets}<FunctionImport Name="WhoAmI" Function="Microsoft.Dynamics.CRM.WhoAmI" /></EntityContainer>`,
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
  ].join('\n');
}
