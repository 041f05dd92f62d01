using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$check-in</c>: the patient arrived — in one transaction the booked Appointment becomes arrived
/// and an in-progress Encounter starts for it (its patient, practitioners and locations, service type, the
/// appointment). Answers the Encounter.
/// </summary>
public sealed class CheckInOperation(TimeProvider clock)
{
    public FhirOperation Definition => new("check-in", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-check-in",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private const string EncounterUrl = "urn:uuid:00000000-0000-0000-0000-0000000e0c01";

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        if (appointment.Status != Appointment.AppointmentStatus.Booked)
            throw FhirError.Conflict($"Only a booked appointment can be checked in; Appointment/{id} is {appointment.Status?.ToString().ToLowerInvariant()}");
        var actors = appointment.Participant.Select(p => p.Actor?.Reference).OfType<string>().Select(Claims.Normalise).ToList();
        var patient = actors.FirstOrDefault(a => a.StartsWith("Patient/", StringComparison.Ordinal))
            ?? throw FhirError.Unprocessable($"Appointment/{id} has no patient to start an encounter for", "Appointment.participant");
        var version = appointment.Meta?.VersionId;
        appointment.Status = Appointment.AppointmentStatus.Arrived;
        foreach (var p in appointment.Participant.Where(p => p.Actor?.Reference is { } a && Claims.Normalise(a) == patient)) p.Status = ParticipationStatus.Accepted;
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
            Subject = new ResourceReference(patient),
            Appointment = [new ResourceReference($"Appointment/{id}")],
            Period = new Period { StartElement = new FhirDateTime(clock.GetUtcNow()) },
            ServiceType = appointment.ServiceType.FirstOrDefault(),
            Participant = actors.Where(a => a.StartsWith("Practitioner", StringComparison.Ordinal))
                .Select(a => new Encounter.ParticipantComponent { Individual = new ResourceReference(a) }).ToList(),
            Location = actors.Where(a => a.StartsWith("Location/", StringComparison.Ordinal))
                .Select(a => new Encounter.LocationComponent { Location = new ResourceReference(a), Status = Encounter.EncounterLocationStatus.Active }).ToList(),
        };
        var transaction = new Bundle { Entry = [EngineCalls.Put(appointment, version), EngineCalls.Post(encounter, EncounterUrl)] };
        var result = await EngineCalls.TransactionAsync(engine, r, transaction, ct);
        return FhirResponse.ForRecord(await EngineCalls.WrittenAsync(engine, transaction, result, EncounterUrl, ct), System.Net.HttpStatusCode.OK, r.BaseUrl, withLocation: false);
    }
}
