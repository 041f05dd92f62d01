using FhirPractice.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Tests.Validation;

/// <summary>Plain writes must not pay for the profile validator; writes naming a profile we hold must.</summary>
public sealed class NeedsValidationTests
{
    private static Patient Declaring(string profile) => new() { Meta = new Meta { Profile = [profile] } };

    [Fact]
    public void A_resource_without_profiles_skips_profile_validation() =>
        Assert.False(new ProfileValidator(PracticeProfiles.Options()).NeedsValidation(new Patient()));

    [Fact]
    public void A_declared_profile_the_server_does_not_hold_skips_it() =>
        Assert.False(new ProfileValidator(PracticeProfiles.Options()).NeedsValidation(Declaring(PracticeProfiles.Unknown)));

    [Fact]
    public void A_declared_practice_profile_needs_it() =>
        Assert.True(new ProfileValidator(PracticeProfiles.Options()).NeedsValidation(Declaring(PracticeProfiles.PracticePatient)));

    [Fact]
    public void A_practice_profile_on_a_contained_resource_needs_it() =>
        Assert.True(new ProfileValidator(PracticeProfiles.Options()).NeedsValidation(new Observation { Contained = [Declaring(PracticeProfiles.PracticePatient)] }));

    [Fact]
    public void A_required_profile_for_the_type_needs_it()
    {
        var options = PracticeProfiles.Options(new Dictionary<string, string[]> { ["Patient"] = [PracticeProfiles.PracticePatient] });
        Assert.True(new ProfileValidator(options).NeedsValidation(new Patient()));
        Assert.False(new ProfileValidator(options).NeedsValidation(new Observation()));
    }
}
