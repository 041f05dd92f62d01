using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$confirm</c>: a participant (the <c>participant</c> parameter, else the patients) accepts a
/// booked Appointment — the patient's answer to a reminder, or the front desk on the phone. Confirming a hold (a
/// waitlist offer) books it, as <c>$book</c> does.
/// </summary>
public sealed class ConfirmOperation(BookOperation book)
{
    public FhirOperation Definition => new("confirm", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-confirm",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var participant = new OperationParameters(r).Single("participant") is { } p ? Claims.Normalise(p) : null;
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        if (appointment.Status == Appointment.AppointmentStatus.Pending && participant is null) return await book.BookHoldAsync(engine, r, id!, ct);
        await EngineCalls.TransactionAsync(engine, r, new Bundle { Entry = [Entry(appointment, participant)] }, ct);
        return new FhirResponse { Resource = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct) };
    }

    /// <summary>The transaction entry in which <paramref name="participant"/> (null: the patients) accepts a booked appointment, as read.</summary>
    internal static Bundle.EntryComponent Entry(Appointment appointment, string? participant)
    {
        if (appointment.Status != Appointment.AppointmentStatus.Booked)
            throw FhirError.Conflict($"Only a booked appointment can be confirmed; Appointment/{appointment.Id} is {appointment.Status?.ToString().ToLowerInvariant()}");
        var confirming = appointment.Participant.Where(x => x.Actor?.Reference is { } a
            && (participant is null ? Claims.Normalise(a).StartsWith("Patient/", StringComparison.Ordinal) : Claims.Normalise(a) == participant)).ToList();
        if (confirming.Count == 0)
            throw FhirError.Unprocessable(participant is null ? $"Appointment/{appointment.Id} has no patient participant" : $"{participant} does not take part in Appointment/{appointment.Id}", "participant");
        var version = appointment.Meta?.VersionId;
        foreach (var x in confirming) x.Status = ParticipationStatus.Accepted;
        return EngineCalls.Put(appointment, version);
    }
}
