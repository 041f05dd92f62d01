using FhirPractice.Security.SmartScopes;

namespace FhirPractice.Security.Tests;

public sealed class SmartScopeTests
{
    [Theory]
    [InlineData("patient/Observation.read", ScopeContext.Patient, "Observation", "rs")]
    [InlineData("user/*.write", ScopeContext.User, null, "cud")]
    [InlineData("system/*.*", ScopeContext.System, null, "cruds")]
    [InlineData("user/Patient.*", ScopeContext.User, "Patient", "cruds")]
    [InlineData("patient/Observation.rs", ScopeContext.Patient, "Observation", "rs")]
    [InlineData("user/Condition.cruds", ScopeContext.User, "Condition", "cruds")]
    [InlineData("system/Patient.c", ScopeContext.System, "Patient", "c")]
    [InlineData("patient/*.ud", ScopeContext.Patient, null, "ud")]
    [InlineData("user/AuditEvent.rs", ScopeContext.User, "AuditEvent", "rs")]
    public void Resource_scopes_parse(string scope, ScopeContext context, string? type, string permissions)
    {
        var parsed = SmartScope.Parse(scope);
        Assert.NotNull(parsed);
        Assert.Equal(new SmartScope(context, type, permissions, null), parsed);
    }

    [Fact]
    public void A_v2_scope_keeps_its_query_filter()
    {
        var parsed = SmartScope.Parse("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory&status=final")!;
        Assert.Equal("category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory&status=final", parsed.Query);
        Assert.True(parsed.Allows('r'));
        Assert.True(parsed.Allows('s'));
        Assert.False(parsed.Allows('u'));
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("fhirUser")]
    [InlineData("profile")]
    [InlineData("launch")]
    [InlineData("launch/patient")]
    [InlineData("launch/encounter")]
    [InlineData("offline_access")]
    [InlineData("online_access")]
    public void Scopes_that_are_not_about_resources_grant_nothing(string scope) => Assert.Null(SmartScope.Parse(scope));

    [Theory]
    [InlineData("patient/Observation.sr")]          // v2 letters out of order
    [InlineData("patient/Observation.rrs")]         // a letter twice
    [InlineData("patient/Observation.x")]           // not a permission
    [InlineData("patient/Observation.")]            // none
    [InlineData("patient/NoSuchType.rs")]           // not a resource type
    [InlineData("patient/Resource.rs")]             // abstract
    [InlineData("practitioner/Observation.rs")]     // not a context
    [InlineData("Observation.rs")]                  // no context
    [InlineData("patient/Observation.read?code=1")] // a query filter needs a v2 scope
    [InlineData("patient/Observation.rs?")]         // an empty filter
    [InlineData("patient/.rs")]
    public void Malformed_resource_scopes_grant_nothing(string scope) => Assert.Null(SmartScope.Parse(scope));

    [Theory]
    [InlineData("patient/Observation.rs?category=laboratory", "patient/*.rs", true)]
    [InlineData("patient/Observation.rs", "patient/Observation.read", true)]
    [InlineData("patient/*.rs", "patient/*.read", true)]
    [InlineData("patient/*.rs", "patient/Observation.rs", false)]
    [InlineData("patient/Observation.cruds", "patient/*.rs", false)]
    [InlineData("user/Observation.rs", "patient/*.rs", false)]
    [InlineData("patient/Observation.rs", "patient/Observation.rs?category=laboratory", false)]
    public void A_scope_is_within_another_only_when_it_allows_no_more(string requested, string registered, bool within) =>
        Assert.Equal(within, SmartScope.Parse(requested)!.IsWithin(SmartScope.Parse(registered)!));
}
