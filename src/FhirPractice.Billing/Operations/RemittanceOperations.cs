using System.Globalization;
using FhirPractice.Billing.Ledger;
using FhirPractice.Billing.Posting;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Operations;

/// <summary>
/// $import-remittance (an 835, 999 or 277CA as a Parameters "x12" string, posted), Account/$aging (A/R by payer and by
/// patient as of a day), Account/[id]/$balance (what the payers and the patient owe on the account) and
/// $billing-work-queue (denials and unmatched payments, by queue).
/// </summary>
public sealed class RemittanceOperations(RemittanceImport import, LedgerQueries ledger, IResourceStore store, TimeProvider clock)
{
    private const string Base = "http://fhirpractice.org/OperationDefinition/";

    public IEnumerable<FhirOperation> Definitions =>
    [
        new("import-remittance", Base + "import-remittance", System: true, Type: false, Instance: false, Types: ["PaymentReconciliation", "ExplanationOfBenefit"], Handler: ImportAsync),
        new("aging", Base + "Account-aging", System: false, Type: true, Instance: false, Types: ["Account"], Handler: AgingAsync) { Access = OperationAccess.Read },
        new("balance", Base + "Account-balance", System: false, Type: false, Instance: true, Types: ["Account"], Handler: BalanceAsync) { Access = OperationAccess.Read },
        new("billing-work-queue", Base + "billing-work-queue", System: true, Type: false, Instance: false, Types: ["ExplanationOfBenefit", "PaymentReconciliation"], Handler: WorkQueueAsync) { Access = OperationAccess.Read },
    ];

    private async Task<FhirResponse> ImportAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        if (r.Method != "POST") throw FhirError.NotSupported("$import-remittance changes data: use POST");
        if (FhirEngine.ParseBody(r) is not Parameters parameters) throw FhirError.BadRequest("$import-remittance takes a Parameters body with the file as 'x12' (valueString)");
        var unknown = parameters.Parameter.FirstOrDefault(p => p.Name != "x12");
        if (unknown is not null) throw FhirError.BadRequest($"$import-remittance has no parameter '{unknown.Name}' (it takes x12)", unknown.Name);
        if (parameters.Parameter.Count != 1 || parameters.Parameter[0].Value is not FhirString { Value: { Length: > 0 } text })
            throw FhirError.BadRequest("$import-remittance takes exactly one 'x12' valueString", "x12");
        return new FhirResponse { Resource = await import.ImportAsync(new BillingDoor(engine, r), text, ct) };
    }

    private async Task<FhirResponse> AgingAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var asOf = AsOf(r, "aging", "asOf");
        var (byPayer, byPatient) = await ledger.AgingAsync(asOf, ct);
        var result = new Parameters();
        result.Add("asOf", new Date(asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        foreach (var (name, rows) in new[] { ("payer", byPayer), ("patient", byPatient) })
            foreach (var row in rows)
                result.Parameter.Add(new Parameters.ParameterComponent
                {
                    Name = name,
                    Part =
                    [
                        new() { Name = "party", Value = new ResourceReference(row.Party) },
                        new() { Name = "0-30", Value = new FhirDecimal(row.Days0To30) },
                        new() { Name = "31-60", Value = new FhirDecimal(row.Days31To60) },
                        new() { Name = "61-90", Value = new FhirDecimal(row.Days61To90) },
                        new() { Name = "91-120", Value = new FhirDecimal(row.Days91To120) },
                        new() { Name = "120+", Value = new FhirDecimal(row.Over120) },
                        new() { Name = "total", Value = new FhirDecimal(row.Total) },
                    ],
                });
        return new FhirResponse { Resource = result };
    }

    private async Task<FhirResponse> BalanceAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var asOf = AsOf(r, "balance", "asOf");
        var account = await new BillingDoor(engine, r).ReadAsync<Account>(new ResourceReference("Account/" + id), ct)
            ?? throw FhirError.NotFound($"Account/{id} does not exist");
        var patients = account.Subject.Select(s => s.Reference).Where(s => s?.StartsWith("Patient/") == true).ToList();
        var (payer, patient) = await ledger.BalanceAsync(patients!, asOf, ct);
        var result = new Parameters();
        result.Add("asOf", new Date(asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        result.Add("payer", new FhirDecimal(payer));
        result.Add("patient", new FhirDecimal(patient));
        result.Add("total", new FhirDecimal(payer + patient));
        return new FhirResponse { Resource = result };
    }

    private async Task<FhirResponse> WorkQueueAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        Known(r, "billing-work-queue", "queue");
        var queue = r.QueryValue("queue");
        if (queue is not null && !DenialQueues.Names.Contains(queue))
            throw FhirError.BadRequest($"$billing-work-queue: queue '{queue}' is none of {string.Join(", ", DenialQueues.Names)}", "queue");
        var (from, to) = queue is null ? ("", "\uffff") : (queue + "|", queue + "|\uffff");
        var result = new Parameters();
        while (true)
        {
            var page = await store.ScanStateAsync(new StateRange(LedgerKeys.WorkItem, from, to, 1000), ct);
            foreach (var item in page.Select(e => LedgerKeys.Read<WorkItem>(e.Value)))
            {
                var entry = new Parameters.ParameterComponent { Name = "item" };
                entry.Part.Add(new() { Name = "queue", Value = new Code(item.Queue) });
                entry.Part.Add(new() { Name = "source", Value = new ResourceReference(item.Source) });
                if (item.Claim is not null) entry.Part.Add(new() { Name = "claim", Value = new ResourceReference(item.Claim) });
                if (item.Line is not null) entry.Part.Add(new() { Name = "line", Value = new Integer(item.Line) });
                entry.Part.Add(new() { Name = "codes", Value = new FhirString(item.Codes) });
                entry.Part.Add(new() { Name = "amount", Value = new FhirDecimal(item.Amount) });
                if (item.Payer is not null) entry.Part.Add(new() { Name = "payer", Value = new ResourceReference(item.Payer) });
                if (item.AppealBy is not null) entry.Part.Add(new() { Name = "appealBy", Value = new Date(item.AppealBy) });
                entry.Part.Add(new() { Name = "detail", Value = new FhirString(item.Detail) });
                result.Parameter.Add(entry);
            }
            if (page.Count < 1000) break;
            from = page[^1].Key + '\0';
        }
        return new FhirResponse { Resource = result };
    }

    private DateOnly AsOf(FhirRequest r, string operation, string name)
    {
        Known(r, operation, name);
        var text = r.QueryValue(name);
        if (text is null) return DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw FhirError.BadRequest($"${operation}: '{name}' must be a date (YYYY-MM-DD), not '{text}'", name);
    }

    private static void Known(FhirRequest r, string operation, params string[] names)
    {
        if (r.Query.FirstOrDefault(q => !names.Contains(q.Key) && q.Key is not ("_format" or "_pretty")) is { Key: not null } unknown)
            throw FhirError.BadRequest($"${operation} has no parameter '{unknown.Key}' (it takes {string.Join(", ", names)})", unknown.Key);
    }
}
