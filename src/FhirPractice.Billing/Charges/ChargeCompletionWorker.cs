using System.Net;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Billing.Charges;

/// <summary>
/// Completes the charges <see cref="ChargeWriteHook"/> queued (account, fee-schedule price) through the engine as
/// <c>FhirCaller.Internal("billing")</c>, each an update on the version it read (If-Match), so a charge changed
/// meanwhile is read again rather than overwritten. An entry leaves the queue once handled, unless a newer version
/// queued it again; a refused update is logged and dropped (the next write of the charge queues it again).
/// </summary>
public sealed class ChargeCompletionWorker(FhirEngine engine, ChargeCompletionSignal signal, ILogger<ChargeCompletionWorker> log) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await DrainAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Completing charges failed; retrying later"); }
            try { await signal.WaitAsync(RetryInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async System.Threading.Tasks.Task DrainAsync(CancellationToken ct)
    {
        var door = new BillingDoor(engine, new FhirRequest("POST", "", []) { Caller = FhirCaller.Internal("billing") });
        FeeSchedules? schedules = null;
        var from = "";
        while (true)
        {
            var page = await engine.Store.ScanStateAsync(new StateRange(ChargeWriteHook.Kind, from, "~", 100), ct);
            foreach (var entry in page)
            {
                schedules ??= await FeeSchedules.ReadAsync(door, ct);
                if (!await CompleteAsync(door, entry.Key, schedules, ct)) continue;
                await engine.Store.WriteAsync(tx =>
                {
                    if (tx.ReadState(ChargeWriteHook.Kind, entry.Key)?.Value == entry.Value) tx.DeleteState(ChargeWriteHook.Kind, entry.Key);
                    return 0;
                }, ct);
            }
            if (page.Count < 100) return;
            from = page[^1].Key + '\0';
        }
    }

    /// <summary>Whether the entry is handled (false: the charge changed meanwhile; it is read again on the next pass).</summary>
    private async Task<bool> CompleteAsync(BillingDoor door, string id, FeeSchedules schedules, CancellationToken ct)
    {
        if (await door.ReadAsync<ChargeItem>(new ResourceReference("ChargeItem/" + id), ct) is not { } charge) return true;
        var version = charge.Meta?.VersionId ?? "";
        if (!await ChargeCompletion.CompleteAsync(door, charge, schedules, ct)) return true;
        var response = await door.UpdateAsync(charge, version, ct);
        if (response.Status == HttpStatusCode.PreconditionFailed) return false;
        if ((int)response.Status >= 400) log.LogWarning("Completing ChargeItem/{Id} was refused with {Status}", id, (int)response.Status);
        return true;
    }
}
