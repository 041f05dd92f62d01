using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

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

    public static bool Applies(ResourceWrite write) => write.Type is not ("AuditEvent" or "Provenance");

    public void Write(IStoreTransaction tx, ResourceWrite write, FhirCaller caller)
    {
        var provenance = new Provenance
        {
            Id = ResourcePreparer.NewId(),
            Target = [new ResourceReference($"{write.Type}/{write.Id}/_history/{write.Version}")],
            Recorded = tx.Timestamp,
            Activity = new CodeableConcept(DataOperation, Activity(write)),
            Agent = Agents(caller).ToList(),
        };
        MetaStamp.SetPlaceholders(provenance);
        var index = indexer.Index(provenance);
        var json = MetaStamp.Stamp(ResourceSerializer.ToJsonBytes(provenance), 1, tx.Timestamp);
        tx.Write(new ResourceWrite("Provenance", provenance.Id, 1, tx.Timestamp, "POST", json, index));
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
