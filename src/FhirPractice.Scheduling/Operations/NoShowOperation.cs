using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$no-show</c>: staff record that the patient did not come (booked to noshow, once the start has
/// passed). The sweeper does the same on its own after <see cref="SchedulingOptions.NoShowGrace"/>.
/// </summary>
public sealed class NoShowOperation(TimeProvider clock)
{
    public FhirOperation Definition => new("no-show", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-no-show",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        if (appointment.Start is { } start && start > clock.GetUtcNow())
            throw FhirError.Conflict($"Appointment/{id} has not started yet");
        await EngineCalls.TransactionAsync(engine, r, new Bundle { Entry = [Entry(appointment)] }, ct);
        return new FhirResponse { Resource = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct) };
    }

    /// <summary>The transaction entry marking a booked appointment (as read, with its version) a no-show.</summary>
    internal static Bundle.EntryComponent Entry(Appointment appointment)
    {
        if (appointment.Status != Appointment.AppointmentStatus.Booked)
            throw FhirError.Conflict($"Only a booked appointment can be a no-show; Appointment/{appointment.Id} is {appointment.Status?.ToString().ToLowerInvariant()}");
        var version = appointment.Meta?.VersionId;
        appointment.Status = Appointment.AppointmentStatus.Noshow;
        return EngineCalls.Put(appointment, version);
    }
}
