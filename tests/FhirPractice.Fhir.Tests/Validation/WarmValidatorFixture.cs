using FhirPractice.Fhir.Validation;

namespace FhirPractice.Fhir.Tests.Validation;

/// <summary>One warmed validator shared by a test class: loading the specification takes seconds.
/// Patients must meet the practice profile; Practitioners a profile nobody defines.</summary>
public sealed class WarmValidatorFixture : IAsyncLifetime
{
    public ProfileValidator Validator { get; } = new(PracticeProfiles.Options(new Dictionary<string, string[]>
    {
        ["Patient"] = [PracticeProfiles.PracticePatient],
        ["Practitioner"] = [PracticeProfiles.Unknown],
    }));

    public Task InitializeAsync() => Validator.WarmUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
