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
/// completed (or stopped when the sender failed). So a reminder is never sent twice; a crash between recording and
/// sending leaves it in progress, unsent.
/// </summary>
public sealed class ReminderWorker(IServiceProvider services, IReminderSender sender, ReplyOperation reply, AvailabilityCalculator calculator, TimeProvider clock, ILogger<ReminderWorker> log)
{
    private const int Batch = 200;
    private readonly OneAtATime _rounds = new();
    private static readonly Coding ReminderCategory = new("http://terminology.hl7.org/CodeSystem/communication-category", "reminder");

    /// <summary>Sends every reminder due by now; returns how many were handed to the sender.</summary>
    public Task<int> SendDueAsync(CancellationToken ct = default) => _rounds.RunAsync(() => SendAllDueAsync(ct), ct);

    /// <summary>Applies the queued replies (confirm or cancel); returns how many changed their appointment.</summary>
    public Task<int> ApplyRepliesAsync(CancellationToken ct = default) => _rounds.RunAsync(() => ApplyAllRepliesAsync(ct), ct);

    private async Task<int> SendAllDueAsync(CancellationToken ct)
    {
        var engine = services.GetRequiredService<FhirEngine>();
        var now = clock.GetUtcNow();
        var sent = 0;
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
        var version = communication.Meta?.VersionId;
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
        communication.Status = delivered ? EventStatus.Completed : EventStatus.Stopped;
        if (delivered) communication.SentElement = new FhirDateTime(clock.GetUtcNow());
        await EngineCalls.TransactionAsync(services.GetRequiredService<FhirEngine>(), EngineCalls.Internal, new Bundle { Entry = [EngineCalls.Put(communication, version)] }, ct);
        return delivered;
    }
}
