using FhirPractice.Fhir.Validation;

namespace FhirPractice.Server.Hosting;

/// <summary>Loads the specification and compiles a first schema in the background, so start-up and plain requests never wait for it.</summary>
public sealed class ValidatorWarmUp(IProfileValidator validator, ILogger<ValidatorWarmUp> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = validator.WarmUpAsync().ContinueWith(
            t => log.LogError("Profile validator warm-up failed: {Error}", t.Exception?.GetBaseException().Message),
            TaskContinuationOptions.OnlyOnFaulted);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
