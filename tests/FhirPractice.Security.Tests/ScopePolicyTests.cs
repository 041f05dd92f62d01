using FhirPractice.Security.Authorization;
using FhirPractice.Security.SmartScopes;

namespace FhirPractice.Security.Tests;

public sealed class ScopePolicyTests
{
    [Fact]
    public void A_request_is_cut_to_what_the_registration_allows()
    {
        var granted = ScopePolicy.Allowed(
            ["openid", "fhirUser", "offline_access", "patient/Observation.rs?category=laboratory", "patient/*.cruds", "fhirpractice/admin", "made-up"],
            ["openid", "fhirUser", "patient/*.rs"]);
        Assert.Equal(["openid", "fhirUser", "patient/Observation.rs?category=laboratory"], granted);
    }

    [Theory]
    [InlineData("patient/Observation.rs", ScopeContext.Patient, false)]
    [InlineData("user/Observation.rs", ScopeContext.Patient, true)]
    [InlineData("system/*.rs", ScopeContext.System, false)]
    [InlineData("patient/*.rs", ScopeContext.System, true)]
    [InlineData("openid", ScopeContext.Patient, false)]
    public void A_clinical_scope_of_another_context_is_told_apart(string scope, ScopeContext context, bool outside) =>
        Assert.Equal(outside, ScopePolicy.IsClinicalOutside(scope, context));
}
