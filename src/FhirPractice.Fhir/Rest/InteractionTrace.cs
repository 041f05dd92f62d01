namespace FhirPractice.Fhir.Rest;

/// <summary>
/// What the engine learns about one interaction while it runs, for the interaction hooks: what it is, and whether
/// its hooks already saw it inside a committed write transaction.
/// </summary>
internal sealed class InteractionTrace(RestfulInteraction interaction)
{
    public RestfulInteraction Interaction { get; set; } = interaction;

    public bool Written { get; set; }
}
