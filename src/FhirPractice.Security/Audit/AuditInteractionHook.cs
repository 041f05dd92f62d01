using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// The audit trail's view of the engine: an AuditEvent for every interaction and a Provenance for every write.
/// A committed write is recorded inside its own transaction (one AuditEvent per version written, plus one for a
/// transaction Bundle as a whole), so no AuditEvent claims a change that did not commit and no change lacks one;
/// a write interaction that wrote nothing (a conditional create that found its match) is recorded like a read.
/// Everything else — reads, searches, history, operations, batches, and every failure — is recorded after the
/// answer is known and before it is sent: a search, a history page or an operation gives one AuditEvent for the query
/// and one more per patient in its result (BALP PatientQuery); a read one, with its patient. An operation whose answer
/// is what its one transaction wrote (<see cref="FhirRequest.AnswersOperation"/>) has its success recorded in that
/// transaction instead, the patients those of its writes, so a booking costs the single writer one job, not two; that
/// transaction has no AuditEvent of its own as a Bundle, the operation's standing for it.
/// </summary>
public sealed class AuditInteractionHook(AuditChain chain, BalpAuditEvents events, WriteProvenance provenance, AuditTrail trail) : IInteractionHook
{
    /// <summary>The records of one planned write, built before its transaction.</summary>
    private sealed record PlannedRecords(string Method, IReadOnlyList<PreparedAuditEvent> Events, PreparedProvenance? Provenance);

    /// <summary>What <see cref="Prepare"/> hands to <see cref="Written"/> for an operation in its transaction: its events, for the writes planned (by Type/id).</summary>
    private sealed record PreparedOperation(HashSet<string> Writes, IReadOnlyList<PreparedAuditEvent> Events);

    /// <summary>What <see cref="Prepare"/> hands to <see cref="Written"/>: the Bundle's own event and each planned write's records, by Type/id.</summary>
    private sealed record Prepared(PreparedAuditEvent? Bundle, Dictionary<string, PlannedRecords> Writes);

    /// <summary>
    /// Builds, serialises and indexes the AuditEvents and Provenance of the planned writes on the caller's thread, with
    /// <see cref="WritePlaceholders"/> for the version and instant, so the single writer only fills them in, links and stores them.
    /// </summary>
    public object? Prepare(InteractionContext planned)
    {
        if (planned.InItsTransaction)
            return new PreparedOperation(planned.Planned.Select(Key).ToHashSet(StringComparer.Ordinal),
                QueryEvents(planned, WritePlaceholders.Instant, planned.Planned.SelectMany(PatientsOf)).Select(chain.Prepare).ToList());
        var isBundle = planned.Interaction.Code == "transaction";
        var writes = new Dictionary<string, PlannedRecords>(StringComparer.Ordinal);
        foreach (var write in planned.Planned)
            writes[Key(write)] = RecordsOf(planned, write, PatientsOf(write), isBundle);
        return new Prepared(HasBundleEvent(planned) ? BundleEvent(planned) : null, writes);
    }

    private static string Key(PlannedWrite write) => $"{write.Type}/{write.Id}";

    private static IReadOnlyList<string> PatientsOf(PlannedWrite write) => write.Resource is null ? []
        : PatientReferences.Of(new ResourceRecord(write.Type, write.Id, 1, WritePlaceholders.Instant, write.Method, false, write.Resource.Template));

    public void Written(IStoreTransaction tx, InteractionContext interaction, object? prepared)
    {
        if (interaction.InItsTransaction)
        {
            OperationWritten(tx, interaction, prepared as PreparedOperation);
            return;
        }
        foreach (var write in interaction.Writes)
            if (write.Type == "AuditEvent" && AuditChain.MentionsChain(write.Json.Span))
                throw FhirError.Unprocessable("The audit-chain extensions are the server's own; an AuditEvent written by a client may not carry them", "AuditEvent.extension");

        var recorded = tx.Timestamp;
        var ahead = prepared as Prepared;
        var isBundle = interaction.Interaction.Code == "transaction";
        var linked = new List<PreparedAuditEvent>();
        if (HasBundleEvent(interaction)) linked.Add((ahead?.Bundle ?? BundleEvent(interaction)).Filled(0, recorded));
        foreach (var write in interaction.Writes)
        {
            // A write planned as it happened has its records ready; anything else (a conditional delete's match) has them built here.
            var records = ahead is not null && ahead.Writes.Remove($"{write.Type}/{write.Id}", out var planned) && planned.Method == write.Method
                ? planned
                : RecordsOf(interaction, new PlannedWrite(write.Type, write.Id, write.Method, null), write.Deleted ? [] : PatientReferences.Of(Record(write)), isBundle);
            linked.AddRange(records.Events.Select(e => e.Filled(write.Version, recorded)));
            if (records.Provenance is { } ready) provenance.Append(tx, ready, write);
        }
        chain.Append(tx, linked);
    }

    /// <summary>
    /// An operation recorded in the transaction that carries it out: its events as <see cref="CompletedAsync"/> would
    /// record its success, the patients those of what it wrote (its answer); built ahead unless it wrote what it did not plan.
    /// </summary>
    private void OperationWritten(IStoreTransaction tx, InteractionContext interaction, PreparedOperation? ahead)
    {
        var events = ahead is not null && ahead.Writes.SetEquals(interaction.Writes.Select(w => $"{w.Type}/{w.Id}"))
            ? ahead.Events
            : QueryEvents(interaction, WritePlaceholders.Instant, interaction.Writes.Where(w => !w.Deleted).SelectMany(w => PatientReferences.Of(Record(w)))).Select(chain.Prepare).ToList();
        chain.Append(tx, events.Select(e => e.Filled(0, tx.Timestamp)).ToList());
    }

    /// <summary>
    /// Whether a transaction gets an AuditEvent of its own beside its writes'. Not one an operation runs as its answer
    /// (<see cref="FhirRequest.AnswersOperation"/>): no client sent that Bundle, and the operation's own AuditEvent,
    /// in the same transaction, already records the interaction (its subtype, request id and patients). Nor one an
    /// internal door built from a message it keeps (<see cref="FhirRequest.BuiltFromKeptMessage"/>): no client sent
    /// that Bundle either, and the message is on record with its door and named by the Provenance the Bundle writes.
    /// </summary>
    private static bool HasBundleEvent(InteractionContext interaction) =>
        interaction.Interaction.Code == "transaction" && interaction.Request.AnswersOperation is null && !interaction.Request.BuiltFromKeptMessage;

    private PreparedAuditEvent BundleEvent(InteractionContext interaction) =>
        chain.Prepare(events.Interaction(interaction, WritePlaceholders.Instant, [], null, withQuery: false));

    /// <summary>A write's AuditEvents and Provenance, with <see cref="WritePlaceholders"/> for its version and instant.</summary>
    private PlannedRecords RecordsOf(InteractionContext interaction, PlannedWrite write, IReadOnlyList<string> patients, bool isBundle)
    {
        var what = $"{write.Type}/{write.Id}/_history/{WritePlaceholders.Version}";
        var auditEvents = EventsOf(interaction, WritePlaceholders.Instant, what, patients, isBundle ? write.Method : null).Select(chain.Prepare).ToList();
        return new PlannedRecords(write.Method, auditEvents, WriteProvenance.Applies(write.Type) ? provenance.Prepare(write, interaction.Request.Caller) : null);
    }

    /// <summary>The AuditEvents of one written version: one, or one per patient when it concerns several (BALP's patient slice is 1..1).</summary>
    private IEnumerable<AuditEvent> EventsOf(InteractionContext interaction, DateTimeOffset recorded, string what, IReadOnlyList<string> mentioned, string? method)
    {
        var patients = mentioned.Distinct().ToList();
        yield return events.Interaction(interaction, recorded, [what], patients.Count == 1 ? patients[0] : null, withQuery: false, method);
        foreach (var patient in patients.Count > 1 ? patients : [])
            yield return events.Interaction(interaction, recorded, [what], patient, withQuery: false, method);
    }

    public System.Threading.Tasks.Task CompletedAsync(InteractionContext interaction, CancellationToken ct)
    {
        var recorded = interaction.Timestamp;
        var code = interaction.Interaction.Code;
        // A batch's entries were interactions of their own, each recorded.
        var records = code is "batch" or "transaction" ? [] : Touched(interaction.Response).ToList();
        var named = interaction.Interaction is { Type: { } type, Id: { } id } ? $"{type}/{id}" : null;
        var setLike = code is "search-type" or "search-system" or "history-instance" or "history-type" or "history-system" or "operation";
        var auditEvents = new List<AuditEvent>();
        if (!interaction.Succeeded || !setLike)
        {
            // One resource (or none): a read, a vread, a capabilities statement, or a failure of any interaction.
            var data = records.Count > 0 ? records.Select(r => r.Reference) : named is null ? [] : [named];
            var patients = records.SelectMany(r => r.Patients).Distinct().ToList();
            // A conditional write (Type?query) is recorded with its condition.
            var withQuery = interaction.Interaction.IsSearch || (interaction.Interaction.Id is null && interaction.Request.Query.Count > 0);
            auditEvents.Add(events.Interaction(interaction, recorded, data, patients.Count == 1 ? patients[0] : null, withQuery));
            foreach (var patient in patients.Count > 1 ? patients : [])
                auditEvents.Add(events.Interaction(interaction, recorded, data, patient, withQuery));
        }
        else auditEvents.AddRange(QueryEvents(interaction, recorded, records.SelectMany(r => r.Patients)));
        return trail.AppendAsync(auditEvents, ct);
    }

    /// <summary>
    /// A successful query-like interaction (a search, a history, an operation): one AuditEvent for it with its query,
    /// and one more per patient it touched (BALP PatientQuery).
    /// </summary>
    private IEnumerable<AuditEvent> QueryEvents(InteractionContext interaction, DateTimeOffset recorded, IEnumerable<string> patients)
    {
        var data = interaction.Interaction is { Type: { } type, Id: { } id } ? new[] { $"{type}/{id}" } : [];
        yield return events.Interaction(interaction, recorded, data, null, withQuery: true);
        foreach (var patient in patients.Distinct())
            yield return events.Interaction(interaction, recorded, data, patient, withQuery: true);
    }

    private sealed record TouchedResource(string Reference, IEnumerable<string> Patients);

    /// <summary>The resources an answer carries: a stored record, a search page's records, or a Bundle's entries (history, operations).</summary>
    private static IEnumerable<TouchedResource> Touched(FhirResponse? response)
    {
        if (response is null || (int)response.Status >= 400) yield break;
        if (response.Subject is { } record)
            yield return new($"{record.Type}/{record.Id}/_history/{record.Version}", PatientReferences.Of(record));
        if (response.Searchset is { } searchset)
            foreach (var (r, _) in searchset.Entries)
                yield return new($"{r.Type}/{r.Id}/_history/{r.Version}", PatientReferences.Of(r));
        if (response.Resource is Bundle bundle)
            foreach (var entry in bundle.Entry)
                if (entry.Resource is { } resource and not OperationOutcome && resource.Id is not null)
                    yield return new($"{resource.TypeName}/{resource.Id}", PatientReferences.Of(resource));
    }

    private static ResourceRecord Record(ResourceWrite w) => new(w.Type, w.Id, w.Version, w.LastUpdated, w.Method, w.Deleted, w.Json);
}
