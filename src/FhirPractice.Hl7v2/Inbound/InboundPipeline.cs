using System.Collections.Concurrent;
using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Mllp;
using FhirPractice.Hl7v2.Store;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>
/// What happens to an inbound v2 message: parse → duplicate control → map (<see cref="IMessageMapper"/>) → commit
/// the transaction through the <see cref="FhirEngine"/> → store it raw with its status and ACK → answer. A message
/// answered with an accept ACK first (enhanced mode) is stored in status received before it is mapped, and its status
/// recorded after. A message is acknowledged AA only after its FHIR changes are committed and it is stored with its
/// status; one left in status received by a crash is processed again by <see cref="RecoverAsync"/> (mappings use
/// conditional writes, so that does not duplicate anything).
/// <para>
/// AR (CR in enhanced mode) refuses the message itself: unparseable, a header the bridge does not take
/// (<see cref="HeaderCheck"/>), a type the mapper does not map, or a failure of ours. AE is an error in its
/// content: a <see cref="MappingException"/> without Reject, or a 4xx from the engine.
/// </para>
/// </summary>
public sealed class InboundPipeline(IMessageStore store, IMessageMapper mapper, FhirEngine engine, SearchQueryParser queryParser,
    InboundOptions options, TimeProvider clock, ILogger<InboundPipeline> log)
{
    private readonly StoreFhirLookup _lookup = new(engine.Store, queryParser);

    // Messages being processed, by store id: a concurrent resend or a replay joins or waits for the one run.
    private readonly ConcurrentDictionary<long, Lazy<Task<StoredMessage>>> _inFlight = new();

    // Messages being processed before they are stored, by duplicate key: a copy arriving meanwhile joins the one run.
    private readonly ConcurrentDictionary<DuplicateKey, Lazy<Task<Admission>>> _deciding = new();

    /// <summary>The MLLP handler: answers on the connection the message came in on (see <see cref="AcknowledgmentMode"/>).</summary>
    public async ValueTask HandleAsync(ReadOnlyMemory<byte> bytes, MllpExchange exchange, CancellationToken ct)
    {
        var raw = bytes.ToArray();
        var receivedAt = clock.GetUtcNow();
        Er7Message message;
        try
        {
            message = Er7Parser.Parse(raw);
        }
        catch (Er7ParseException e)
        {
            await RefuseUnparseableAsync(raw, receivedAt, e, exchange, ct);
            return;
        }

        var mode = AcknowledgmentMode.Of(message);
        var record = Describe(raw, receivedAt, message, mode);
        Admission admission;
        try
        {
            admission = record is { Status: MessageStatus.Received, AcceptAck: null, DuplicateKey: { } key }
                ? await DecideThenStoreAsync(record, message, key, ct)
                : await StoreThenDecideAsync(record, message, exchange, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not stored, so not ours yet: refuse, and the sender sends it again later (its FHIR changes, if they were
            // committed, are found unchanged then: the mappings write conditionally).
            log.LogError("HL7 v2 message could not be stored: {Exception}", e.GetType().Name);
            var failure = new AckError(Code: "207", CodeText: "Application internal error", Diagnostic: "the message could not be stored; send it again later");
            if (!mode.Enhanced || mode.SendsAccept(AckCode.CE))
                await exchange.SendAsync(Ack(message, mode.Enhanced ? AckCode.CE : AckCode.AR, [failure]), ct);
            return;
        }

        var stored = admission.Message;
        if (admission.IsDuplicate && stored.AcceptAck is { } originalAcceptAck)
            await exchange.SendAsync(originalAcceptAck, ct);
        if (stored.Ack is { } ack)
            await exchange.SendAsync(ack, ct);
    }

    /// <summary>
    /// A message that is answered with an accept ACK (enhanced mode, CA), or is refused for its header, or has no
    /// duplicate key: stored first (the CA says it is safe), then processed and its status recorded.
    /// </summary>
    private async Task<Admission> StoreThenDecideAsync(NewMessage record, Er7Message message, MllpExchange exchange, CancellationToken ct)
    {
        var admission = await store.AdmitAsync(record, ct);
        var stored = admission.Message;
        if (!admission.IsDuplicate && stored.AcceptAck is { } acceptAck)
            await exchange.SendAsync(acceptAck, ct);
        if (stored.Status == MessageStatus.Received)
            stored = await ProcessOnceAsync(stored.Id, admission.IsDuplicate ? null : message, ct);
        return admission with { Message = stored };
    }

    /// <summary>
    /// Any other message (original mode, the usual case): processed first, then stored once with its status and ACK,
    /// so it costs the message store one write, not two. Nothing is acknowledged before that write: a crash between the
    /// FHIR commit and it leaves no record and no ACK, and the resend is mapped again (finding its changes already made).
    /// A resend of a stored message gets its ACK; copies arriving together share one run (by duplicate key).
    /// </summary>
    private async Task<Admission> DecideThenStoreAsync(NewMessage record, Er7Message message, DuplicateKey key, CancellationToken ct)
    {
        var run = new Lazy<Task<Admission>>(() => DecideAsync(record, message, key, ct));
        var current = _deciding.GetOrAdd(key, run);
        if (current != run) return (await current.Value) with { IsDuplicate = true };
        try { return await run.Value; }
        finally { _deciding.TryRemove(new(key, run)); }
    }

    private async Task<Admission> DecideAsync(NewMessage record, Er7Message message, DuplicateKey key, CancellationToken ct)
    {
        if (await store.FindAsync(key, ct) is { } earlier)
            return new Admission(earlier.Status == MessageStatus.Received ? await ProcessOnceAsync(earlier.Id, null, ct) : earlier, IsDuplicate: true);
        var (status, ack, error) = await OutcomeAsync(record.Raw, ct, message);
        return await store.AdmitAsync(record with { Status = status, Ack = ack, Error = error, DecidedAt = clock.GetUtcNow() }, ct);
    }

    /// <summary>
    /// Runs a stored message through the current mapping again (after a mapping fix) and records its new
    /// status and error; the ACK the sender got stays as it was. Null when there is no such message.
    /// Throws <see cref="FhirError"/> 409 when the message is being processed right now.
    /// </summary>
    public async Task<StoredMessage?> ReplayAsync(long id, CancellationToken ct)
    {
        // Holds the message's place so no other run starts meanwhile; nothing joins it, since a replay never
        // runs on a message in status received and only those are processed elsewhere.
        var lazy = new Lazy<Task<StoredMessage>>(() => Task.FromException<StoredMessage>(FhirError.Conflict($"message {id} is being replayed")));
        if (!_inFlight.TryAdd(id, lazy))
            throw FhirError.Conflict($"message {id} is being processed right now; replay it once that is done");
        try
        {
            if (await store.GetAsync(id, ct) is not { } current) return null;
            if (current.Status == MessageStatus.Received)
                throw FhirError.Conflict($"message {id} has not been processed yet (status received); it is processed at the next start");
            var (status, _, error) = await OutcomeAsync(current.Raw, ct);
            await store.CompleteAsync(id, status, null, error, ct);
            return await store.GetAsync(id, ct);
        }
        finally
        {
            _inFlight.TryRemove(new(id, lazy));
        }
    }

    /// <summary>Processes the messages a crash left in status received (their senders get the ACK when they resend).</summary>
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var count = 0;
        long? before = null;
        do
        {
            var page = await store.SearchAsync(new MessageQuery(100) { Status = MessageStatus.Received, Before = before }, ct);
            foreach (var message in page.Messages)
            {
                await ProcessOnceAsync(message.Id, null, ct);
                count++;
            }
            before = page.Next;
        } while (before is not null);
        return count;
    }

    private Task<StoredMessage> ProcessOnceAsync(long id, Er7Message? parsed, CancellationToken ct)
    {
        Lazy<Task<StoredMessage>>? lazy = null;
        lazy = new Lazy<Task<StoredMessage>>(async () =>
        {
            try { return await ProcessAsync(id, parsed, ct); }
            finally { _inFlight.TryRemove(new(id, lazy!)); }
        });
        return _inFlight.GetOrAdd(id, lazy).Value;
    }

    private async Task<StoredMessage> ProcessAsync(long id, Er7Message? parsed, CancellationToken ct)
    {
        var current = await store.GetAsync(id, ct) ?? throw new InvalidOperationException($"message {id} vanished from the store");
        if (current.Status != MessageStatus.Received) return current; // finished while this run was being set up
        var (status, ack, error) = await OutcomeAsync(current.Raw, ct, parsed);
        await store.CompleteAsync(id, status, ack, error, ct);
        return current with { Status = status, Ack = ack ?? current.Ack, Error = error };
    }

    /// <summary>Maps and commits one message; the status to record, the application ACK to send (null when its mode asks for none) and the error.</summary>
    private async Task<(MessageStatus Status, byte[]? Ack, string? Error)> OutcomeAsync(byte[] raw, CancellationToken ct, Er7Message? parsed = null)
    {
        Er7Message message;
        try { message = parsed ?? Er7Parser.Parse(raw); }
        catch (Er7ParseException e) { return (MessageStatus.Failed, null, e.Message); }
        // A message handed over parsed has just passed the header check (Describe); a stored one is checked again.
        if (parsed is null && HeaderCheck.Find(message, options) is { } refused)
            return (MessageStatus.Failed, null, refused.Diagnostic);

        var (code, errors) = await MapAndCommitAsync(message, ct);
        var mode = AcknowledgmentMode.Of(message);
        var ack = mode.SendsApplication(code) ? Ack(message, code, errors) : null;
        var error = code == AckCode.AA ? null : errors.FirstOrDefault()?.Diagnostic ?? code.ToString();
        return (code == AckCode.AA ? MessageStatus.Mapped : MessageStatus.Failed, ack, error);
    }

    private async Task<(AckCode Code, IReadOnlyList<AckError> Errors)> MapAndCommitAsync(Er7Message message, CancellationToken ct)
    {
        try
        {
            var mapped = await mapper.MapAsync(message, _lookup, ct);
            // The Bundle as built, checked by the engine as strictly as the JSON of a transaction over HTTP (what the
            // mapping made of the message's values), without a JSON round trip; validation and indexing run once, in the engine.
            var response = await engine.HandleAsync(new FhirRequest("POST", "", [])
            {
                ParsedBody = mapped.Transaction,
                CheckParsedBody = true,
                // An A08 that repeats what the record already says adds no version (nor Provenance or AuditEvent of a write).
                SkipUnchangedUpdates = true,
                Return = PreferReturn.Minimal,
                // The sender, so that outbound messages do not echo its own changes back to it.
                Caller = FhirCaller.Internal("mllp") with { Origin = $"{message.Get("MSH-3-1")}|{message.Get("MSH-4-1")}" },
                // The message store keeps the message; its transaction's writes are audited each, not as a Bundle.
                BuiltFromKeptMessage = true,
            }, ct);
            if ((int)response.Status < 300) return (AckCode.AA, mapped.Warnings);
            return ((int)response.Status < 500 ? AckCode.AE : AckCode.AR, [EngineError(response)]);
        }
        catch (MappingException e)
        {
            return (e.Reject ? AckCode.AR : AckCode.AE, [e.Error]);
        }
        catch (FhirError e) when ((int)e.Status < 500)
        {
            return (AckCode.AE, [EngineError(FhirResponse.ForError(e))]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug of ours, not the sender's: log where, not what (the message holds PHI).
            log.LogError("Mapping or committing an HL7 v2 message failed: {Exception} in {Site}", e.GetType().Name,
                e.TargetSite?.DeclaringType?.Name + "." + e.TargetSite?.Name);
            return (AckCode.AR, [new AckError(Code: "207", CodeText: "Application internal error", Diagnostic: "an internal error occurred; it has been logged")]);
        }
    }

    /// <summary>The engine's refusal as an ERR: HTTP status, then each error issue's location and diagnostics.</summary>
    private static AckError EngineError(FhirResponse response)
    {
        var issues = (response.Resource as OperationOutcome)?.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => (i.Expression.FirstOrDefault() is { } at ? at + ": " : "") + i.Diagnostics) ?? [];
        var status = (int)response.Status;
        return new AckError(Code: "207", CodeText: status < 500 ? "Application error" : "Application internal error",
            Diagnostic: $"the FHIR changes were refused (HTTP {status}): {string.Join("; ", issues)}");
    }

    private async Task RefuseUnparseableAsync(byte[] raw, DateTimeOffset receivedAt, Er7ParseException e, MllpExchange exchange, CancellationToken ct)
    {
        var header = SalvagedHeader.Find(raw);
        var error = new AckError(e.SegmentId, null, e.Field, e.Field is null ? "100" : "102",
            e.Field is null ? "Segment sequence error" : "Data type error", Diagnostic: e.Message);
        byte[]? ack = null;
        if (header is not null)
        {
            try { ack = Ack(header, AckCode.AR, [error]); }
            catch (System.Text.EncoderFallbackException) { } // MSH-3..6 hold what no ACK can carry: no answer
        }
        await store.AdmitAsync(new NewMessage(raw, receivedAt, MessageStatus.Failed)
        {
            MessageType = header is null ? null : MessageType(header),
            SendingApplication = header?.GetRaw("MSH-3"),
            SendingFacility = header?.GetRaw("MSH-4"),
            ControlId = header?.Get("MSH-10"),
            Ack = ack,
            Error = e.Message,
        }, ct);
        if (ack is null) exchange.Close(); // nothing to answer to: the sender learns from the closed connection
        else await exchange.SendAsync(ack, ct);
    }

    /// <summary>
    /// The record to store for a parsed message: already failed with its reject when the header is refused,
    /// else received, with the accept ACK (enhanced mode) it is answered with once stored.
    /// </summary>
    private NewMessage Describe(byte[] raw, DateTimeOffset receivedAt, Er7Message message, AcknowledgmentMode mode)
    {
        var application = message.GetRaw("MSH-3") ?? "";
        var facility = message.GetRaw("MSH-4") ?? "";
        var controlId = message.Get("MSH-10");
        var patient = message.Get("PID-3(1)-1") is { } value
            ? new PatientIdentifier(value, message.Get("PID-3(1)-4-1") ?? message.Get("PID-3(1)-4-2"))
            : null;
        var record = new NewMessage(raw, receivedAt, MessageStatus.Received)
        {
            DuplicateKey = controlId is null ? null : new DuplicateKey(application, facility, controlId),
            MessageType = MessageType(message),
            SendingApplication = application,
            SendingFacility = facility,
            ControlId = controlId,
            Patient = patient,
        };

        if (HeaderCheck.Find(message, options) is { } refused)
        {
            var ack = mode.Enhanced
                ? (mode.SendsAccept(AckCode.CR) ? Ack(message, AckCode.CR, [refused]) : null)
                : Ack(message, AckCode.AR, [refused]);
            return record with
            {
                Status = MessageStatus.Failed,
                AcceptAck = mode.Enhanced ? ack : null,
                Ack = mode.Enhanced ? null : ack,
                Error = refused.Diagnostic,
            };
        }
        return record with { AcceptAck = mode.SendsAccept(AckCode.CA) ? Ack(message, AckCode.CA, []) : null };
    }

    private static string? MessageType(Er7Message message) =>
        message.Get("MSH-9-1") is { } type ? (message.Get("MSH-9-2") is { } trigger ? $"{type}^{trigger}" : type) : null;

    private byte[] Ack(Er7Message message, AckCode code, IReadOnlyList<AckError> errors)
    {
        var ack = AckBuilder.Build(message, code, now: clock.GetLocalNow());
        foreach (var error in errors) AckBuilder.AddError(ack, error);
        return ack.EncodeBytes();
    }
}
