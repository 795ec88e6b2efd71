import type { ResolvedEntitySet } from './schema.js';
import { edmType } from './values.js';

/**
 * A CSDL `$metadata` document for the declared entity sets, so a client can check that the entity set and
 * its columns exist and what type each has (learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents).
 */
export function metadataDocument(sets: ResolvedEntitySet[]): string {
  const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const types = sets.map((set) => {
    const properties = [...set.columns.values()].map((c) => {
      const maxLength = c.maxLength !== undefined ? ` MaxLength="${c.maxLength}"` : '';
      const nullable = c.required || c.name === set.key ? ' Nullable="false"' : '';
      return `<Property Name="${xml(c.name)}" Type="${edmType(c)}"${maxLength}${nullable}/>`;
    });
    const alternateKeys = set.alternateKeys.map((k) => `<!-- alternate key: ${k.map(xml).join(', ')} -->`).join('');
    return (
      `<EntityType Name="${xml(set.logicalName)}"><Key><PropertyRef Name="${xml(set.key)}"/></Key>` +
      `${properties.join('')}${alternateKeys}</EntityType>`
    );
  });
  const container = sets
    .map((s) => `<EntitySet Name="${xml(s.name)}" EntityType="Microsoft.Dynamics.CRM.${xml(s.logicalName)}"/>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>' +
    '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">' +
    `${types.join('')}<EntityContainer Name="System">${container}</EntityContainer></Schema>` +
    '</edmx:DataServices></edmx:Edmx>'
  );
}
