using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Reminders;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$reply</c>: the patient's answer to a reminder, <c>answer</c> confirm (the patients accept,
/// as <c>$confirm</c>) or cancel (as <c>$cancel</c>, freeing its time). A Communication <c>inResponseTo</c> a reminder
/// is applied the same way by the reminder worker.
/// </summary>
public sealed class ReplyOperation(CancelOperation cancel)
{
    public FhirOperation Definition => new("reply", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-reply",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var given = new OperationParameters(r).Single("answer") ?? throw FhirError.BadRequest("The parameter 'answer' (confirm or cancel) is required", "answer");
        var answer = given is ReplyAnswers.Confirm or ReplyAnswers.Cancel ? given : throw FhirError.BadRequest($"'{given}' is not an answer: confirm or cancel", "answer");
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        await EngineCalls.TransactionAsync(engine, r, new Bundle { Entry = await EntriesAsync(engine, r, appointment, answer, ct) }, ct);
        return new FhirResponse { Resource = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct) };
    }

    /// <summary>The transaction entries that apply <paramref name="answer"/> to a booked appointment, as read.</summary>
    internal async Task<List<Bundle.EntryComponent>> EntriesAsync(FhirEngine engine, FhirRequest r, Appointment appointment, string answer, CancellationToken ct)
    {
        if (appointment.Status != Appointment.AppointmentStatus.Booked)
            throw FhirError.Conflict($"Only a booked appointment takes a reply; Appointment/{appointment.Id} is {appointment.Status?.ToString().ToLowerInvariant()}");
        return answer == ReplyAnswers.Confirm
            ? [ConfirmOperation.Entry(appointment, null)]
            : await cancel.EntriesAsync(engine, r, appointment, "Cancelled by the patient in reply to a reminder", ct);
    }
}
