using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>What staff do with the outbound queue: look at it per destination and status, and send a failed message again.</summary>
public sealed class OutboundQueue(IResourceStore store, OutboundOptions options, OutboundWakeUp wakeUp, TimeProvider clock)
{
    public IReadOnlyCollection<string> Destinations => options.Destinations.Keys;

    public ValueTask<IReadOnlyList<OutboxMessage>> ListAsync(OutboxQuery query, CancellationToken ct) => store.OutboxAsync(query, ct);

    public ValueTask<OutboxMessage?> ReadAsync(long id, CancellationToken ct) => store.ReadOutboxAsync(id, ct);

    /// <summary>
    /// Puts a failed message back in its queue, at its place (queues are ordered by id, so it goes before later ones).
    /// It is built again with a new MSH-10: a receiver with duplicate control would answer the old control id
    /// with its old refusal. Only failed messages can be retried (409 otherwise, 404 when unknown).
    /// </summary>
    public async Task<OutboxMessage> RetryAsync(long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var retried = await store.WriteAsync(tx =>
        {
            var message = tx.ReadOutbox(id) ?? throw FhirError.NotFound($"There is no outbound message {id}");
            if (message.Status != OutboxStatus.Failed)
                throw new FhirError(HttpStatusCode.Conflict, OperationOutcome.IssueType.BusinessRule,
                    $"Outbound message {id} is {message.Status.ToString().ToLowerInvariant()}; only a failed message can be retried");
            var pending = message with { Status = OutboxStatus.Pending, Attempts = 0, NextAttempt = null, Payload = null, LastError = null, Updated = now };
            tx.SaveOutbox(pending);
            return pending;
        }, ct);
        wakeUp.Wake(retried.Destination);
        return retried;
    }
}
