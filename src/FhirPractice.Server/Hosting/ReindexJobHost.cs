using FhirPractice.Fhir.Operations;

namespace FhirPractice.Server.Hosting;

/// <summary>Resumes at start the $reindex jobs a stop interrupted, and at stop halts the running ones after their last committed batch.</summary>
public sealed class ReindexJobHost(ReindexJobs jobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => jobs.ResumeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => jobs.StopAsync();
}
