using FhirPractice.Fhir.Validation;
using Hl7.Fhir.Model;
using IssueSeverity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Fhir.Tests.Validation;

public sealed class ProfileValidatorTests(WarmValidatorFixture fixture) : IClassFixture<WarmValidatorFixture>
{
    private readonly ProfileValidator _validator = fixture.Validator;

    [Fact]
    public async Task Conforming_patient_passes_the_practice_profile()
    {
        var outcome = await _validator.ValidateAsync(PracticePatient(), [PracticeProfiles.PracticePatient]);

        Assert.False(outcome.HasErrors());
    }

    [Fact]
    public async Task Patient_without_birthDate_fails_the_practice_profile_at_Patient()
    {
        var patient = PracticePatient();
        patient.BirthDate = null;

        var outcome = await _validator.ValidateAsync(patient, [PracticeProfiles.PracticePatient]);

        var error = Assert.Single(Errors(outcome));
        Assert.Equal(["Patient"], error.Expression);
        Assert.Contains("birthDate", error.Diagnostics);
    }

    [Fact]
    public async Task Unknown_profile_asked_for_explicitly_is_an_error_not_an_exception()
    {
        var outcome = await _validator.ValidateAsync(PracticePatient(), [PracticeProfiles.Unknown]);

        var error = Assert.Single(Errors(outcome));
        Assert.Contains(PracticeProfiles.Unknown, error.Diagnostics);
    }

    [Fact]
    public async Task Unknown_declared_meta_profile_is_a_warning_on_write()
    {
        var patient = PracticePatient();
        patient.Meta = new Meta { Profile = [PracticeProfiles.Unknown] };

        var outcome = await _validator.ValidateForWriteAsync(patient);

        Assert.Empty(Errors(outcome));
        var warning = Assert.Single(outcome.Issue, i => i.Diagnostics?.Contains(PracticeProfiles.Unknown) == true);
        Assert.Equal(IssueSeverity.Warning, warning.Severity);
        Assert.Equal(["Patient.meta.profile[0]"], warning.Expression);
    }

    [Fact]
    public async Task Known_declared_meta_profile_is_enforced_even_when_not_required()
    {
        var observation = new Observation
        {
            Meta = new Meta { Profile = ["http://hl7.org/fhir/StructureDefinition/vitalsigns"] },
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
        };

        var outcome = await _validator.ValidateForWriteAsync(observation);

        Assert.NotEmpty(Errors(outcome)); // vitalsigns requires category, subject, effective[x]
    }

    [Fact]
    public async Task Required_profile_applies_to_writes_of_its_type()
    {
        var patient = PracticePatient();
        patient.Identifier.Clear();

        var outcome = await _validator.ValidateForWriteAsync(patient);

        Assert.Contains(Errors(outcome), e => (e.Diagnostics ?? "").Contains("identifier"));
    }

    [Fact]
    public async Task Required_profile_that_cannot_be_resolved_is_an_error()
    {
        var outcome = await _validator.ValidateForWriteAsync(new Practitioner());

        var error = Assert.Single(Errors(outcome));
        Assert.Contains(PracticeProfiles.Unknown, error.Diagnostics);
        Assert.Equal(["Practitioner"], error.Expression);
    }

    [Fact]
    public void ProfilesFor_is_the_declared_profiles_plus_the_required_ones()
    {
        var patient = new Patient { Meta = new Meta { Profile = [PracticeProfiles.Unknown, PracticeProfiles.PracticePatient] } };

        Assert.Equal([PracticeProfiles.Unknown, PracticeProfiles.PracticePatient], _validator.ProfilesFor(patient));
        Assert.Empty(_validator.ProfilesFor(new Observation()));
    }

    [Fact]
    public async Task Observation_status_outside_its_required_value_set_is_an_error()
    {
        var observation = new Observation
        {
            StatusElement = new Code<ObservationStatus> { JsonValue = "banana" },
            Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
        };

        var outcome = await _validator.ValidateForWriteAsync(observation);

        Assert.Contains(Errors(outcome), e => e.Expression.Any(x => x?.StartsWith("Observation.status", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Valid_observation_passes_core_validation()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
        };

        var outcome = await _validator.ValidateForWriteAsync(observation);

        Assert.Empty(Errors(outcome));
    }

    [Fact]
    public async Task Concurrent_validations_agree()
    {
        var patient = PracticePatient();
        patient.BirthDate = null;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => _validator.ValidateAsync(patient, [PracticeProfiles.PracticePatient]))));

        Assert.All(outcomes, o => Assert.Single(Errors(o)));
    }

    internal static Patient PracticePatient() => new()
    {
        Identifier = [new Identifier("http://fhirpractice.org/fhir/mrn", "12345")],
        Name = [new HumanName { Family = "Chalmers", Given = ["Peter"] }],
        BirthDate = "1974-12-25",
    };

    internal static List<OperationOutcome.IssueComponent> Errors(OperationOutcome outcome) =>
        outcome.Issue.Where(i => i.Severity is IssueSeverity.Error or IssueSeverity.Fatal).ToList();
}
