using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Store;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>
/// The patients stored messages are about, for the audit trail of who viewed them: the Patients a mapped message's
/// transaction wrote or referred to, as its Provenance names them (<see cref="IMessageMapper.ProvenanceIdOf"/>). Read
/// from the store, past the engine: finding them is part of recording an access, not an access of its own. A message
/// not mapped (failed, not yet processed) names none — nothing stored ties its raw text to a patient here.
/// </summary>
public sealed class MessagePatients(IMessageMapper mapper, IResourceStore store)
{
    /// <summary>The patients' ids, each once, in order.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(IEnumerable<StoredMessage> messages, CancellationToken ct)
    {
        var patients = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var message in messages.Where(m => m.Status == MessageStatus.Mapped))
        {
            Er7Message parsed;
            try { parsed = Er7Parser.Parse(message.Raw); }
            catch (Er7ParseException) { continue; }
            if (mapper.ProvenanceIdOf(parsed) is not { } id || await store.ReadAsync(nameof(Provenance), id, ct) is not { Deleted: false } record) continue;
            var provenance = (Provenance)ResourceSerializer.ParseTrustedJson(record.Json.Span);
            foreach (var target in provenance.Target)
                if (target.Reference?.Split('/') is ["Patient", var patient, ..]) patients.Add(patient);
        }
        return [.. patients];
    }
}
