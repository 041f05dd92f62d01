using System.Net;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>One interaction as the hooks see it (<see cref="IInteractionHook"/>).</summary>
/// <param name="Request">The request, with its <see cref="FhirRequest.Caller"/>.</param>
/// <param name="Interaction">What it asked for.</param>
public sealed record InteractionContext(FhirRequest Request, RestfulInteraction Interaction)
{
    /// <summary>The answer's status; inside a write transaction the status the interaction is about to answer with.</summary>
    public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

    /// <summary>The answer (null inside a write transaction, and for a failure that is not a FHIR error).</summary>
    public FhirResponse? Response { get; init; }

    /// <summary>Why it failed: the OperationOutcome of a 4xx, or a generic one for a 5xx.</summary>
    public OperationOutcome? Failure { get; init; }

    /// <summary>Before a write transaction: the versions the interaction means to write, as far as known (<see cref="PlannedWrite"/>).</summary>
    public IReadOnlyList<PlannedWrite> Planned { get; init; } = [];

    /// <summary>The versions the interaction wrote, in order (several for a transaction).</summary>
    public IReadOnlyList<ResourceWrite> Writes { get; init; } = [];

    /// <summary>
    /// An operation shown inside the one transaction that carries it out (<see cref="FhirRequest.AnswersOperation"/>), as
    /// a success, with that transaction's <see cref="Writes"/> (which are its answer) and no <see cref="Response"/> yet;
    /// it is not shown to <see cref="IInteractionHook.CompletedAsync"/> again unless it then fails.
    /// </summary>
    public bool InItsTransaction { get; init; }

    /// <summary>The commit instant of the write transaction, or when the answer was ready.</summary>
    public DateTimeOffset Timestamp { get; init; }

    public bool Succeeded => (int)Status < 400;
}
