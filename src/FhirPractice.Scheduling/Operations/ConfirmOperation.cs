using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$confirm</c>: a participant (the <c>participant</c> parameter, else the patients) accepts a
/// booked Appointment — the patient's answer to a reminder, or the front desk on the phone.
/// </summary>
public sealed class ConfirmOperation
{
    public FhirOperation Definition => new("confirm", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-confirm",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private static async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var participant = new OperationParameters(r).Single("participant") is { } p ? Claims.Normalise(p) : null;
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        if (appointment.Status != Appointment.AppointmentStatus.Booked)
            throw FhirError.Conflict($"Only a booked appointment can be confirmed; Appointment/{id} is {appointment.Status?.ToString().ToLowerInvariant()}");
        var confirming = appointment.Participant.Where(x => x.Actor?.Reference is { } a
            && (participant is null ? Claims.Normalise(a).StartsWith("Patient/", StringComparison.Ordinal) : Claims.Normalise(a) == participant)).ToList();
        if (confirming.Count == 0)
            throw FhirError.Unprocessable(participant is null ? $"Appointment/{id} has no patient participant" : $"{participant} does not take part in Appointment/{id}", "participant");
        foreach (var x in confirming) x.Status = ParticipationStatus.Accepted;
        await EngineCalls.TransactionAsync(engine, r, new Bundle { Entry = [EngineCalls.Put(appointment, appointment.Meta?.VersionId)] }, ct);
        return new FhirResponse { Resource = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct) };
    }
}
