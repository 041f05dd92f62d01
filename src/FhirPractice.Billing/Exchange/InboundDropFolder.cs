using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Billing.Exchange;

/// <summary>
/// Picks up the files the clearinghouse leaves in the drop folder's inbound folder (835, 999, 277CA, "*.x12") and
/// imports each through the engine's $import-remittance as the internal caller "billing", so authorization and audit
/// see it like any request. A file imported is moved to processed/; one refused (it cannot be read, or is already
/// partly posted) to failed/ with the OperationOutcome beside it; on any other fault it stays and is tried again.
/// </summary>
public sealed class InboundDropFolder(FhirEngine engine, BillingOptions options, ILogger<InboundDropFolder> log) : BackgroundService
{
    private static readonly FhirCaller Caller = FhirCaller.Internal("billing");

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.InboundPollInterval);
        do
        {
            try { await PollAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Importing inbound X12 files failed; retrying later"); }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Imports every file waiting, oldest first.</summary>
    public async System.Threading.Tasks.Task PollAsync(CancellationToken ct)
    {
        var inbound = Path.Combine(options.DropFolder, "inbound");
        if (!Directory.Exists(inbound)) return;
        foreach (var file in Directory.EnumerateFiles(inbound, "*.x12").OrderBy(File.GetLastWriteTimeUtc))
        {
            var body = new Parameters();
            body.Add("x12", new FhirString(await File.ReadAllTextAsync(file, ct)));
            var response = await engine.HandleAsync(new FhirRequest("POST", "$import-remittance", [])
            {
                Caller = Caller, Body = ResourceSerializer.ToJsonBytes(body), BodyFormat = FhirFormat.Json,
            }, ct);
            var status = (int)response.Status;
            if (status >= 500)
            {
                log.LogWarning("Inbound X12 file {File} failed with {Status}; it stays for another try", Path.GetFileName(file), status);
                continue;
            }
            var target = Path.Combine(options.DropFolder, status < 400 ? "processed" : "failed");
            Directory.CreateDirectory(target);
            var moved = Path.Combine(target, Path.GetFileName(file));
            File.Move(file, moved, overwrite: true);
            if (status >= 400)
            {
                await File.WriteAllBytesAsync(moved + ".outcome.json", ResourceSerializer.ToJsonBytes(response.ToResource()!, pretty: true), ct);
                log.LogWarning("Inbound X12 file {File} refused with {Status}", Path.GetFileName(file), status);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
