using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping;

/// <summary>
/// Turns one inbound v2 message into the FHIR changes it causes: one transaction Bundle that the
/// engine commits atomically, so the bridge can acknowledge AA only once everything is stored.
/// </summary>
public interface IMessageMapper
{
    /// <summary>
    /// The transaction for <paramref name="message"/>. Throws <see cref="MappingException"/> naming the
    /// segment and field at fault when the message cannot be mapped (an unsupported MSH-9 is code 200).
    /// </summary>
    Task<MappingResult> MapAsync(Er7Message message, IFhirLookup lookup, CancellationToken ct = default);

    /// <summary>
    /// The id of the Provenance that <paramref name="message"/>'s transaction writes, which names what it changed
    /// (its patient among them); null when the mapper writes none, or the header does not say.
    /// </summary>
    string? ProvenanceIdOf(Er7Message message) => null;
}

/// <param name="Transaction">A Bundle of type transaction; conditional references and conditional updates keep a resend idempotent.</param>
/// <param name="Warnings">Problems that did not stop the mapping; they go into the ACK as ERR segments of severity W.</param>
public sealed record MappingResult(Bundle Transaction, IReadOnlyList<AckError> Warnings);

/// <summary>The message cannot be mapped; <see cref="Error"/> says where and why, for the ERR segment of an AE/AR ACK.</summary>
public sealed class MappingException(AckError error, bool reject = false) : Exception(error.Diagnostic)
{
    public AckError Error { get; } = error;

    /// <summary>True when the message itself is refused (AR: unsupported type, wrong version…); false for an error in its content (AE).</summary>
    public bool Reject { get; } = reject;
}

/// <summary>Read access to the current FHIR data, for mappings that depend on it (a merge moves the references to the survivor).</summary>
public interface IFhirLookup
{
    /// <summary>A FHIR search (<c>type?name=value&amp;…</c>) over current resources: the matches, all pages.</summary>
    Task<IReadOnlyList<Resource>> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct = default);
}
