using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>A Provenance ready to be written: indexed and serialised, with placeholders for what the writer decides.</summary>
public sealed record PreparedProvenance(string Id, byte[] Template, IReadOnlyList<IndexEntry> Index);

/// <summary>
/// A Provenance for every version the engine writes (except AuditEvents and Provenances themselves), written in the
/// same transaction: the versioned resource as target, the commit instant, the activity (create, update, delete) and
/// the agents — the user (fhirUser, else the token's subject) on whose behalf the client app acted, or the door of an
/// internal caller (the HL7 v2 bridge is "mllp").
/// </summary>
public sealed class WriteProvenance(SearchIndexer indexer)
{
    private const string DataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    private const string ParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    public static bool Applies(string type) => type is not ("AuditEvent" or "Provenance");

    /// <summary>
    /// Before the transaction: the Provenance of a planned write with <see cref="WritePlaceholders"/> for what the
    /// writer decides (a POST always creates and a DELETE deletes; a PUT's activity waits for its version).
    /// </summary>
    public PreparedProvenance Prepare(PlannedWrite planned, FhirCaller caller)
    {
        var provenance = new Provenance
        {
            Id = ResourcePreparer.NewId(),
            Target = [new ResourceReference($"{planned.Type}/{planned.Id}/_history/{WritePlaceholders.Version}")],
            Recorded = WritePlaceholders.Instant,
            Activity = new CodeableConcept(DataOperation, planned.Method switch { "POST" => "CREATE", "DELETE" => "DELETE", _ => WritePlaceholders.Activity }),
            Agent = Agents(caller).ToList(),
        };
        MetaStamp.SetPlaceholders(provenance);
        return new PreparedProvenance(provenance.Id, ResourceSerializer.ToJsonBytes(provenance), indexer.Index(provenance));
    }

    /// <summary>Writes the Provenance of <paramref name="write"/>, its placeholders filled; call inside the write's transaction.</summary>
    public void Append(IStoreTransaction tx, PreparedProvenance prepared, ResourceWrite write)
    {
        var (json, index) = WritePlaceholders.Fill(prepared.Template, prepared.Index, write.Version, tx.Timestamp, Activity(write));
        tx.Write(new ResourceWrite("Provenance", prepared.Id, 1, tx.Timestamp, "POST", MetaStamp.Stamp(json, 1, tx.Timestamp), index));
    }

    private static string Activity(ResourceWrite write) =>
        write.Deleted ? "DELETE" : write.Method == "POST" || write.Version == 1 ? "CREATE" : "UPDATE";

    private static IEnumerable<Provenance.AgentComponent> Agents(FhirCaller caller)
    {
        var client = caller.IsInternal
            ? new ResourceReference { Identifier = new Identifier(BalpCodes.DoorSystem, caller.Door), Display = $"internal ({caller.Door})" }
            : caller.ClientId is { } clientId
                ? new ResourceReference { Identifier = new Identifier(BalpCodes.ClientSystem, clientId) }
                : new ResourceReference { Display = "anonymous" };
        ResourceReference? user = caller.FhirUser is not null || (caller.Subject is not null && caller.Subject != caller.ClientId)
            ? new ResourceReference { Reference = caller.FhirUser, Identifier = caller.Subject is { } s ? new Identifier(BalpCodes.SubjectSystem, s) : null }
            : null;
        if (user is null)
        {
            yield return new Provenance.AgentComponent { Type = new CodeableConcept(ParticipantType, "author"), Who = client };
            yield break;
        }
        yield return new Provenance.AgentComponent { Type = new CodeableConcept(ParticipantType, "author"), Who = user };
        // The app that did the write for the user.
        yield return new Provenance.AgentComponent { Type = new CodeableConcept(ParticipantType, "performer"), Who = client, OnBehalfOf = user };
    }
}
