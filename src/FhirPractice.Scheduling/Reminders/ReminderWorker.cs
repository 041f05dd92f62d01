using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Background;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Scheduling.Operations;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Scheduling.Reminders;

/// <summary>
/// Sends the reminders that are due and applies the replies to them, both from module state (so a restart loses
/// nothing). A reminder is first recorded as an in-progress Communication through the engine — which the store
/// allows once per reminder (<see cref="ReminderWriteHook"/>) — then handed to the <see cref="IReminderSender"/>, then
/// completed (or stopped when the sender failed). So a reminder is never recorded twice. One left in progress by a
/// crash or a stop in between is handed over again in the first round after the start, as a
/// <see cref="Reminder.Redelivery"/> that the sender delivers only if it has not yet (the default sender checks its
/// file), so it is delivered once; one whose appointment was cancelled or moved meanwhile is stopped instead.
/// </summary>
public sealed class ReminderWorker(IServiceProvider services, IReminderSender sender, ReplyOperation reply, AvailabilityCalculator calculator, TimeProvider clock, ILogger<ReminderWorker> log)
{
    private const int Batch = 200;
    private readonly OneAtATime _rounds = new();
    private static readonly Coding ReminderCategory = new("http://terminology.hl7.org/CodeSystem/communication-category", "reminder");

    /// <summary>Sends every reminder due by now; returns how many were handed to the sender.</summary>
    public Task<int> SendDueAsync(CancellationToken ct = default) => _rounds.RunAsync(async () =>
    {
        try { return await SendAllDueAsync(ct); }
        catch
        {
            // A round cut short (a stop, a failed write) may leave a reminder recorded and in progress: the next one looks.
            _maybeInterrupted = true;
            throw;
        }
    }, ct);

    /// <summary>Applies the queued replies (confirm or cancel); returns how many changed their appointment.</summary>
    public Task<int> ApplyRepliesAsync(CancellationToken ct = default) => _rounds.RunAsync(() => ApplyAllRepliesAsync(ct), ct);

    /// <summary>Whether a reminder may have been left in progress: at the start, and after a round cut short.</summary>
    private bool _maybeInterrupted = true;

    private async Task<int> SendAllDueAsync(CancellationToken ct)
    {
        var engine = services.GetRequiredService<FhirEngine>();
        var now = clock.GetUtcNow();
        var sent = _maybeInterrupted ? await ResumeInterruptedAsync(engine, ct) : 0;
        foreach (var due in await engine.Store.ScanStateAsync(new StateRange(ReminderKeys.Due, "", $"{now.UtcTicks:D19}|~", Batch), ct))
        {
            var parts = due.Key.Split('|');
            var (id, minutes) = (parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                var appointment = await EngineCalls.ReadAsync<Appointment>(engine, EngineCalls.Internal, $"Appointment/{id}", ct);
                if (appointment.Meta?.VersionId != due.Value || appointment.Start is not { } start
                    || appointment.Participant.Select(p => p.Actor?.Reference).OfType<string>().Select(Claims.Normalise)
                        .FirstOrDefault(a => a.StartsWith("Patient/", StringComparison.Ordinal)) is not { } patient)
                    continue;
                var communication = await RecordAsync(engine, appointment, ReminderKeys.SentKey(id, minutes, start), patient, ct);
                if (await DeliverAsync(communication, new Reminder(ReminderKeys.SentKey(id, minutes, start), $"Communication/{communication.Id}",
                        $"Appointment/{id}", patient, start, ((FhirString)communication.Payload[0].Content).Value ?? ""), ct))
                    sent++;
            }
            catch (FhirError e)
            {
                // Cancelled, moved or already sent meanwhile: the store refused the Communication, nothing was sent.
                log.LogDebug("Reminder for Appointment {Id} not sent: {Status}", id, e.Status);
            }
        }
        return sent;
    }

    /// <summary>
    /// The reminders recorded in progress and never completed: none is being delivered at the start of a round, so each
    /// was interrupted. Handed over again as redeliveries while their appointment still stands as it did; returns how many were delivered.
    /// </summary>
    private async Task<int> ResumeInterruptedAsync(FhirEngine engine, CancellationToken ct)
    {
        var interrupted = await EngineCalls.SearchAsync<Communication>(engine, EngineCalls.Internal, "Communication",
            [new("identifier", ReminderKeys.IdentifierSystem + "|"), new("status", "in-progress"), new("_count", Batch.ToString(System.Globalization.CultureInfo.InvariantCulture))], ct);
        var delivered = 0;
        foreach (var communication in interrupted)
        {
            // A client may have written one with the system but no key: nothing to resume, so it is stopped below.
            var key = communication.Identifier.First(i => i.System == ReminderKeys.IdentifierSystem).Value ?? "";
            var appointment = ReminderKeys.ReadSentKey(key) is var (id, _, start) ? await StandingAsync(engine, id, start, ct) : null;
            var patient = communication.Recipient.FirstOrDefault()?.Reference;
            if (appointment is null || patient is null)
                await RecordOutcomeAsync(communication, delivered: false, ct);
            else if (await DeliverAsync(communication, new Reminder(key, $"Communication/{communication.Id}", $"Appointment/{appointment.Id}",
                         patient, appointment.Start!.Value, (communication.Payload.FirstOrDefault()?.Content as FhirString)?.Value ?? "", Redelivery: true), ct))
                delivered++;
        }
        if (interrupted.Count > 0) log.LogInformation("{Count} interrupted reminders handed over again, {Delivered} delivered", interrupted.Count, delivered);
        _maybeInterrupted = interrupted.Count == Batch;
        return delivered;
    }

    /// <summary>The appointment when it is still booked at this start; null when cancelled, moved or gone.</summary>
    private static async Task<Appointment?> StandingAsync(FhirEngine engine, string id, DateTimeOffset start, CancellationToken ct)
    {
        try
        {
            var appointment = await EngineCalls.ReadAsync<Appointment>(engine, EngineCalls.Internal, $"Appointment/{id}", ct);
            return appointment is { Status: Appointment.AppointmentStatus.Booked } && appointment.Start == start ? appointment : null;
        }
        catch (FhirError) { return null; }
    }

    private async Task<int> ApplyAllRepliesAsync(CancellationToken ct)
    {
        var engine = services.GetRequiredService<FhirEngine>();
        var applied = 0;
        foreach (var entry in await engine.Store.ScanStateAsync(new StateRange(ReminderKeys.Reply, "", "~", Batch), ct))
        {
            var bar = entry.Value.IndexOf('|');
            var (id, answer) = (entry.Value[..bar], entry.Value[(bar + 1)..]);
            try
            {
                var appointment = await EngineCalls.ReadAsync<Appointment>(engine, EngineCalls.Internal, $"Appointment/{id}", ct);
                await EngineCalls.TransactionAsync(engine, EngineCalls.Internal, new Bundle { Entry = await reply.EntriesAsync(engine, EngineCalls.Internal, appointment, answer, ct) }, ct);
                applied++;
            }
            catch (FhirError e)
            {
                log.LogInformation("A reply to a reminder of Appointment {Id} was not applied: {Status}", id, e.Status);
            }
            await engine.Store.WriteAsync(tx => { tx.DeleteState(ReminderKeys.Reply, entry.Key); return 0; }, ct);
        }
        return applied;
    }

    private async Task<Communication> RecordAsync(FhirEngine engine, Appointment appointment, string reminder, string patient, CancellationToken ct)
    {
        var local = NodaTime.Instant.FromDateTimeOffset(appointment.Start!.Value).InZone(calculator.Zone);
        var communication = new Communication
        {
            Identifier = [new Identifier(ReminderKeys.IdentifierSystem, reminder)],
            Status = EventStatus.InProgress,
            Category = [new CodeableConcept { Coding = [ReminderCategory] }],
            Subject = new ResourceReference(patient),
            Recipient = [new ResourceReference(patient)],
            About = [new ResourceReference($"Appointment/{appointment.Id}")],
            Payload = [new Communication.PayloadComponent { Content = new FhirString(
                $"Reminder: your appointment is on {local:yyyy-MM-dd} at {local:HH:mm}. Reply confirm or cancel.") }],
        };
        var fullUrl = "urn:uuid:" + Guid.NewGuid();
        var transaction = new Bundle { Entry = [EngineCalls.Post(communication, fullUrl)] };
        var result = await EngineCalls.TransactionAsync(engine, EngineCalls.Internal, transaction, ct);
        return EngineCalls.Parse<Communication>(await EngineCalls.WrittenAsync(engine, transaction, result, fullUrl, ct));
    }

    /// <summary>Hands the reminder to the sender and records the outcome on its Communication; false when the sender failed.</summary>
    private async Task<bool> DeliverAsync(Communication communication, Reminder reminder, CancellationToken ct)
    {
        bool delivered;
        try
        {
            await sender.SendAsync(reminder, ct);
            delivered = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception's type only: a sender's message may quote the reminder.
            log.LogWarning("The reminder sender failed for Communication/{Id}: {Error}", communication.Id, e.GetType().Name);
            delivered = false;
        }
        await RecordOutcomeAsync(communication, delivered, ct);
        return delivered;
    }

    /// <summary>Completes the reminder's Communication (sent now), or stops it.</summary>
    private async System.Threading.Tasks.Task RecordOutcomeAsync(Communication communication, bool delivered, CancellationToken ct)
    {
        var version = communication.Meta?.VersionId;
        communication.Status = delivered ? EventStatus.Completed : EventStatus.Stopped;
        if (delivered) communication.SentElement = new FhirDateTime(clock.GetUtcNow());
        await EngineCalls.TransactionAsync(services.GetRequiredService<FhirEngine>(), EngineCalls.Internal, new Bundle { Entry = [EngineCalls.Put(communication, version)] }, ct);
    }
}
