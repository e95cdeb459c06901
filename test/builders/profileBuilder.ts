// Test profiles: `aProfile().named('practice').build()` gives a valid test-tenant profile with the schema's
// defaults filled in, so a test states only the fields it is about.
import { profileSchema, type Profile } from '../../src/core/config';

export function aProfile(): ProfileBuilder {
  return new ProfileBuilder();
}

class ProfileBuilder {
  private fields: Record<string, unknown> = {
    name: 'practice',
    kind: 'test',
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    authKind: 'secret',
    dataverseUrl: 'https://contoso.crm.dynamics.com',
  };
  named(name: string): this {
    this.fields.name = name;
    return this;
  }
  live(): this {
    this.fields.kind = 'live';
    return this;
  }
  signingInWith(authKind: Profile['authKind']): this {
    this.fields.authKind = authKind;
    return this;
  }
  with(fields: Partial<Profile>): this {
    Object.assign(this.fields, fields);
    return this;
  }
  build(): Profile {
    return profileSchema.parse(this.fields);
  }
}
