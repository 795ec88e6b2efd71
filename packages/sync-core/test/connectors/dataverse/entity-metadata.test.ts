import { describe, expect, it } from 'vitest';
import { TableNotFoundError } from '../../../src/connectors/connector.js';
import { kindOfType, parseCsdl } from '../../../src/connectors/dataverse/entity-metadata.js';

// Trimmed from a Dataverse CSDL document ("Web API service documents", $metadata).
const CSDL = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
 <edmx:DataServices>
  <Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
   <EntityType Name="account" BaseType="mscrm.crmbaseentity">
    <Key><PropertyRef Name="accountid" /></Key>
    <Property Name="accountid" Type="Edm.Guid" />
    <Property Name="name" Type="Edm.String" MaxLength="160" Nullable="false" />
    <Property Name="creditlimit" Type="Edm.Decimal" />
    <Property Name="modifiedon" Type="Edm.DateTimeOffset" />
    <Property Name="erp_id" Type="Edm.String" MaxLength="40" />
   </EntityType>
   <EntityContainer Name="System">
    <EntitySet Name="accounts" EntityType="Microsoft.Dynamics.CRM.account" />
   </EntityContainer>
  </Schema>
 </edmx:DataServices>
</edmx:Edmx>`;

describe('entity metadata from CSDL', () => {
  it('finds the entity set type, its key and its columns with their kinds', () => {
    const metadata = parseCsdl(CSDL, 'accounts');
    expect(metadata.primaryId).toBe('accountid');
    expect([...metadata.columns.keys()]).toEqual(['accountid', 'name', 'creditlimit', 'modifiedon', 'erp_id']);
    expect(metadata.columns.get('name')).toEqual({
      name: 'name',
      kind: 'string',
      type: 'Edm.String',
      required: true,
      maxLength: 160,
    });
    expect(metadata.columns.get('creditlimit')?.kind).toBe('decimal');
    expect(metadata.columns.get('modifiedon')?.kind).toBe('datetime');
    expect(metadata.changeTracking).toBe(false);
  });

  it('is TableNotFoundError for an entity set the service does not have', () => {
    expect(() => parseCsdl(CSDL, 'acounts')).toThrow(TableNotFoundError);
  });

  it('maps Dataverse attribute types and EDM types to literal kinds', () => {
    expect(['Uniqueidentifier', 'Lookup', 'Edm.Guid'].map(kindOfType)).toEqual(['guid', 'guid', 'guid']);
    expect(['Integer', 'BigInt', 'Edm.Int32', 'Picklist'].map(kindOfType)).toEqual(['int', 'int', 'int', 'int']);
    expect(['Money', 'Decimal', 'Edm.Double'].map(kindOfType)).toEqual(['decimal', 'decimal', 'decimal']);
    expect(['Boolean', 'DateTime', 'Memo'].map(kindOfType)).toEqual(['boolean', 'datetime', 'string']);
  });
});
