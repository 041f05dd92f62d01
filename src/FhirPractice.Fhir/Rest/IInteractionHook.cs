using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// A module's view of every interaction the engine handles, at every door (the audit trail is one). Hooks run in
/// the order they were registered. An interaction that commits new versions is shown to <see cref="Written"/> inside
/// that write's store transaction, after the interaction's own writes (so what a hook writes there commits or
/// rolls back with the change); every other interaction — reads, searches, operations, and every failure,
/// writes included — is shown to <see cref="CompletedAsync"/> once its answer is known, before the door sends it;
/// except an operation whose answer is what its one transaction writes (<see cref="FhirRequest.AnswersOperation"/>),
/// shown to <see cref="Written"/> in that transaction instead (<see cref="InteractionContext.InItsTransaction"/>)
/// and to <see cref="CompletedAsync"/> only should it fail.
/// One rule for stopping: a hook that throws fails the interaction (a write rolls back, a read is not answered);
/// there is no return value that silently stops the hooks after it.
/// </summary>
public interface IInteractionHook
{
    /// <summary>
    /// Before a write transaction, on the caller's thread: what the hook can build ahead for the writes planned
    /// (<see cref="InteractionContext.Planned"/>), handed back to <see cref="Written"/>; the writer is the server's
    /// bottleneck, so the work belongs here wherever it can. It may still find writes it did not plan for.
    /// </summary>
    object? Prepare(InteractionContext planned) => null;

    /// <summary>Runs on the store's single writer: build quickly, no I/O beyond the transaction.</summary>
    /// <param name="prepared">What <see cref="Prepare"/> returned for this interaction.</param>
    void Written(IStoreTransaction transaction, InteractionContext interaction, object? prepared);

    Task CompletedAsync(InteractionContext interaction, CancellationToken ct);
}
