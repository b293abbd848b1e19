import { aclLines, catalogAcls } from './kafka.command';

describe('readmit kafka acls', () => {
  it("lists a service's ACLs under the deployment's prefix, and every service's without one", () => {
    const scoring = catalogAcls('prod.', 'scoring');
    expect(scoring.every((acl) => acl.principal === 'User:scoring')).toBe(true);
    const lines = aclLines(scoring);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^User:scoring +ALLOW READ +topic +literal +prod\.patient\.encounters$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/ALLOW WRITE +topic +literal +prod\.patient\.predictions$/),
    );
    expect(
      lines.some((line) => / WRITE +topic +literal +prod\.patient\.encounters$/.test(line)),
    ).toBe(false);
    const principals = new Set(catalogAcls('').map((acl) => acl.principal));
    expect(principals.size).toBeGreaterThan(5);
  });

  it('refuses a service it does not know, naming the ones it does', () => {
    expect(() => catalogAcls('', 'scorer')).toThrow(/unknown service 'scorer': one of .*scoring/);
  });
});
