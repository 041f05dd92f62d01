using System.Net;
using FhirPractice.Security.Authorization;

namespace FhirPractice.Security.Tests;

public class GrantedScopeTests
{
    [Theory]
    [InlineData("patient/Observation.read", "patient", "Observation", "rs", null)]
    [InlineData("user/*.write", "user", "*", "cud", null)]
    [InlineData("system/*.*", "system", "*", "cruds", null)]
    [InlineData("patient/Observation.rs?category=laboratory", "patient", "Observation", "rs", "category=laboratory")]
    [InlineData("user/Patient.cruds", "user", "Patient", "cruds", null)]
    public void Parses_v1_and_v2_scopes(string scope, string context, string type, string permissions, string? query)
    {
        Assert.True(SmartScope.TryParse(scope, out var parsed));
        Assert.Equal(new SmartScope(context, type, permissions, query), parsed);
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("launch/patient")]
    [InlineData("patient/Observation.")]
    [InlineData("patient/Observation.rc")] // v2 letters in order only
    [InlineData("patient/Observation.read?category=laboratory")] // query filters are v2 only
    [InlineData("admin/Observation.rs")]
    public void Refuses_what_is_not_a_clinical_scope(string scope) => Assert.False(SmartScope.TryParse(scope, out _));

    [Theory]
    [InlineData("patient/Observation.rs?category=laboratory", "patient/*.rs", true)]
    [InlineData("patient/Observation.rs", "patient/Observation.read", true)]
    [InlineData("patient/Observation.cruds", "patient/*.rs", false)]
    [InlineData("user/Observation.rs", "patient/*.rs", false)]
    [InlineData("patient/Observation.rs", "patient/Observation.rs?category=laboratory", false)]
    public void A_scope_is_within_a_registered_one_only_when_it_allows_no_more(string requested, string registered, bool within)
    {
        SmartScope.TryParse(requested, out var r);
        SmartScope.TryParse(registered, out var g);
        Assert.Equal(within, r.IsWithin(g));
    }

    [Fact]
    public void A_request_is_cut_to_what_the_registration_allows()
    {
        var granted = ScopePolicy.Allowed(
            ["openid", "fhirUser", "offline_access", "patient/Observation.rs?category=laboratory", "patient/*.cruds", "fhirpractice/admin", "made-up"],
            ["openid", "fhirUser", "patient/*.rs"]);
        Assert.Equal(["openid", "fhirUser", "patient/Observation.rs?category=laboratory"], granted);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700::1", true)]
    public void JWKS_URLs_resolve_to_public_addresses_only(string address, bool isPublic) =>
        Assert.Equal(isPublic, JwksFetcher.IsPublic(IPAddress.Parse(address)));
}
