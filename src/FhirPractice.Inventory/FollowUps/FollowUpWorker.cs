using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Inventory.Ledger;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.FollowUps;

/// <summary>
/// Creates the queued follow-ups through the engine (so authorization and audit see them like any write), then
/// removes them from the queue. Each is a conditional create on its identifier: one that ran before a crash but
/// was not removed is not created twice. A follow-up that fails stays queued and is tried again later.
/// </summary>
public sealed class FollowUpWorker(FhirEngine engine, IResourceStore store, FollowUpSignal signal, InventoryOptions options, ILogger<FollowUpWorker> log)
    : BackgroundService
{
    private static readonly FhirCaller Caller = FhirCaller.Internal("inventory");

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await DrainAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Inventory follow-ups failed; retrying later"); }
            try { await signal.WaitAsync(options.FollowUpRetryInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Creates every queued follow-up once.</summary>
    public async System.Threading.Tasks.Task DrainAsync(CancellationToken ct)
    {
        var from = "";
        while (true)
        {
            var page = await store.ScanStateAsync(new StateRange(StockKeys.FollowUp, from, "~", 100), ct);
            foreach (var entry in page)
            {
                var followUp = StateJson.Read<FollowUp>(entry.Value);
                var response = await CreateAsync(followUp, ct);
                if ((int)response.Status >= 400)
                {
                    log.LogWarning("Inventory follow-up {Kind} {Id} refused with {Status}", followUp.Kind, followUp.Id, (int)response.Status);
                    continue;
                }
                await store.WriteAsync(tx => { tx.DeleteState(StockKeys.FollowUp, entry.Key); return 0; }, ct);
            }
            if (page.Count < 100) return;
            from = page[^1].Key + '\0';
        }
    }

    private async Task<FhirResponse> CreateAsync(FollowUp f, CancellationToken ct)
    {
        Resource? resource = f.Kind switch
        {
            FollowUp.SupplyRequest => new SupplyRequest
            {
                Status = SupplyRequest.SupplyRequestStatus.Draft,
                Item = new ResourceReference(f.Item),
                Quantity = new Quantity { Value = f.Quantity },
                DeliverTo = new ResourceReference(f.Location),
                AuthoredOnElement = new FhirDateTime(f.At),
                ReasonCode = [new CodeableConcept { Text = "The stock fell below the reorder point" }],
            },
            FollowUp.AlertKind => new Communication
            {
                Status = EventStatus.Completed,
                Category = [new CodeableConcept(AlertSystem, f.Alert)],
                About = [new ResourceReference(f.Item), new ResourceReference(f.Location), .. await CreatedAsync("SupplyRequest", f.AboutRequest, ct)],
                SentElement = new FhirDateTime(f.At),
                Payload = [new Communication.PayloadComponent { Content = new FhirString(f.Text) }],
            },
            FollowUp.Charge => await ChargeAsync(f, ct),
            _ => null,
        };
        if (resource is null) return new FhirResponse();
        var identifier = new Identifier(FollowUpIdentifierSystem, f.Id);
        switch (resource)
        {
            case SupplyRequest r: r.Identifier = [identifier]; break;
            case Communication c: c.Identifier = [identifier]; break;
            case ChargeItem c: c.Identifier = [identifier]; break;
        }
        return await engine.HandleAsync(new FhirRequest("POST", resource.TypeName, [])
        {
            ParsedBody = resource,
            IfNoneExist = $"identifier={FollowUpIdentifierSystem}|{f.Id}",
            Return = PreferReturn.Minimal,
            Caller = Caller,
        }, ct);
    }

    /// <summary>The resource an earlier follow-up created, found by its identifier.</summary>
    private async Task<IEnumerable<ResourceReference>> CreatedAsync(string type, string? followUpId, CancellationToken ct)
    {
        if (followUpId is null) return [];
        var found = await engine.HandleAsync(new FhirRequest("GET", type, [new("identifier", $"{FollowUpIdentifierSystem}|{followUpId}")]) { Caller = Caller }, ct);
        return found.ToResource() is Bundle { Entry: [{ Resource: { } resource }, ..] } ? [new ResourceReference($"{type}/{resource.Id}")] : [];
    }

    /// <summary>A ChargeItem when the consumed item is billable (its code, with the NDC where it has one), else nothing.</summary>
    private async Task<ChargeItem?> ChargeAsync(FollowUp f, CancellationToken ct)
    {
        var parts = f.Item.Split('/');
        if (await store.ReadAsync(parts[0], parts[1], ct) is not { Deleted: false } record) return null;
        var item = (DomainResource)ResourceSerializer.ParseTrustedJson(record.Json.Span);
        if (item.GetBoolExtension(BillableExtension) != true) return null;
        var code = item switch
        {
            Medication m => m.Code,
            Device d => d.Type,
            Substance s => s.Code,
            _ => null,
        } ?? new CodeableConcept { Text = f.Item };
        return new ChargeItem
        {
            Status = ChargeItem.ChargeItemStatus.Billable,
            Code = code,
            Subject = new ResourceReference(f.Patient),
            Occurrence = new FhirDateTime(f.At),
            Quantity = new Quantity { Value = f.Quantity },
            Product = new ResourceReference(f.Item),
            EnteredDateElement = new FhirDateTime(f.At),
            Service = f.Event is null ? [] : [new ResourceReference(f.Event)],
        };
    }
}
