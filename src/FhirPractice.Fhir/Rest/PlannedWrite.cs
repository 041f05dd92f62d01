namespace FhirPractice.Fhir.Rest;

/// <summary>
/// A version an interaction means to write, known before its transaction: the resource, its id and the method, but
/// not yet the version number or the instant (the writer decides those). Interaction hooks prepare their own records of
/// it ahead (<see cref="IInteractionHook.Prepare"/>) so the single writer only fills those in.
/// </summary>
/// <param name="Resource">The prepared content; null for a delete.</param>
public sealed record PlannedWrite(string Type, string Id, string Method, PreparedResource? Resource);
