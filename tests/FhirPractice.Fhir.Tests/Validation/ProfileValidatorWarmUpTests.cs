using FhirPractice.Fhir.Validation;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Fhir.Tests.Validation;

/// <summary>Each test builds its own cold validator: these are about what happens before warm-up.</summary>
public sealed class ProfileValidatorWarmUpTests
{
    [Fact]
    public async Task Construction_loads_nothing_so_a_bad_configuration_surfaces_at_warm_up()
    {
        var validator = new ProfileValidator(new ProfileValidationOptions
        {
            ProfilesFolder = PracticeProfiles.Folder,
            SpecificationZip = Path.Combine(Path.GetTempPath(), "no-such-specification.zip"),
        });

        await Assert.ThrowsAnyAsync<Exception>(() => validator.WarmUpAsync());
    }

    [Fact]
    public async Task Validations_before_warm_up_wait_for_it_and_warm_up_runs_once()
    {
        var validator = new ProfileValidator(PracticeProfiles.Options());
        var patient = ProfileValidatorTests.PracticePatient();

        var early = validator.ValidateAsync(patient, [PracticeProfiles.PracticePatient]);
        var warmUp = validator.WarmUpAsync();
        Assert.Same(warmUp, validator.WarmUpAsync());

        Assert.Empty(ProfileValidatorTests.Errors(await early));
        Assert.True(warmUp.IsCompletedSuccessfully);

        patient.BirthDate = null;
        var late = await validator.ValidateAsync(patient, [PracticeProfiles.PracticePatient]);
        Assert.Single(ProfileValidatorTests.Errors(late));
    }

    [Fact]
    public async Task A_waiting_validation_can_be_cancelled()
    {
        var validator = new ProfileValidator(PracticeProfiles.Options());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => validator.ValidateAsync(new Patient(), [], cancelled.Token));
    }
}
