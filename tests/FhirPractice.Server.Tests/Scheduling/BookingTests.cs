using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Scheduling.Background;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>$find, $hold, $book, $confirm, $cancel and $reschedule over HTTP, and the occupancy rule at every door.</summary>
public sealed class BookingTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    // Tuesday 10 June 2025: 09:00 in New York (EDT) is 13:00 UTC.
    private const string Nine = "2025-06-10T13:00:00Z", NineThirty = "2025-06-10T13:30:00Z", Ten = "2025-06-10T14:00:00Z", TenThirty = "2025-06-10T14:30:00Z";

    [Fact]
    public async Task Find_proposes_aligned_times_inside_the_hours_where_provider_and_room_are_both_free()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var room = await _client.ScheduleAsync(await _client.CreateAsync("""{"resourceType":"Location","name":"Room 1"}"""),
            hours: "FREQ=WEEKLY;BYDAY=TU");
        var patient = await _client.PatientAsync();
        // The room is taken 09:30–10:00 by someone else's visit.
        await _client.BookedAsync(NineThirty, Ten, await _client.PatientAsync(), room);

        var times = await _client.FindAsync($"schedule={doctor}&schedule={room}&start=2025-06-10&end=2025-06-11&patient={patient}");

        Assert.Equal(15, times.Count); // 16 half hours from 09:00 to 17:00, one taken
        Assert.Equal(DateTimeOffset.Parse(Nine), times[0].Start);
        Assert.Equal(DateTimeOffset.Parse(Ten), times[1].Start);
        Assert.All(times, t => Assert.Equal(TimeSpan.FromMinutes(30), t.End - t.Start));
        Assert.Equal(DateTimeOffset.Parse("2025-06-10T20:30:00Z"), times[^1].Start);
        // Wednesday: the room has no hours.
        Assert.Empty(await _client.FindAsync($"schedule={doctor}&schedule={room}&start=2025-06-11&end=2025-06-12"));
    }

    [Fact]
    public async Task Find_sees_each_booking_and_cancel_committed_after_it_last_read_the_same_days()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        var query = $"schedule={doctor}&start=2025-06-10&end=2025-06-11&patient={patient}";
        async Task<List<DateTimeOffset>> StartsAsync() => (await _client.FindAsync(query)).Select(t => t.Start).ToList();
        Assert.Equal(16, (await StartsAsync()).Count);
        Assert.Equal(16, (await StartsAsync()).Count); // the same days read again, nothing committed between

        var booked = await _client.BookedAsync(Ten, TenThirty, await _client.PatientAsync(), doctor);
        Assert.DoesNotContain(DateTimeOffset.Parse(Ten), await StartsAsync());
        // The patient's own booking elsewhere, written directly, takes the patient's time.
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("Appointment", FhirServerFactory.Json($$"""
            {"resourceType":"Appointment","status":"booked","start":"{{Nine}}","end":"{{NineThirty}}","participant":[{"actor":{"reference":"{{patient}}"},"status":"accepted"}]}
            """))).StatusCode);
        Assert.Equal(14, (await StartsAsync()).Count);
        Assert.DoesNotContain(DateTimeOffset.Parse(Nine), await StartsAsync());

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync($"Appointment/{Id(booked)}/$cancel", WithReason("freed"))).StatusCode);
        Assert.Contains(DateTimeOffset.Parse(Ten), await StartsAsync());
    }

    [Fact]
    public async Task Find_uses_the_service_types_duration_and_skips_times_the_patient_is_busy()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync(), $$$"""
            {"url":"{{{Ext}}}visit-duration","extension":[{"url":"serviceType","valueCoding":{"system":"urn:visit","code":"long"}},{"url":"minutes","valuePositiveInt":60}]},
            {"url":"{{{Ext}}}alignment-minutes","valuePositiveInt":60}
            """);
        var other = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        await _client.BookedAsync(Nine, NineThirty, patient, other);

        var times = await _client.FindAsync($"schedule={doctor}&service-type=urn:visit|long&start={Nine}&end=2025-06-10T16:00:00Z&patient={patient}");

        Assert.Equal([(DateTimeOffset.Parse(Ten), DateTimeOffset.Parse("2025-06-10T15:00:00Z")), (DateTimeOffset.Parse("2025-06-10T15:00:00Z"), DateTimeOffset.Parse("2025-06-10T16:00:00Z"))], times);
    }

    [Fact]
    public async Task Book_is_a_booked_appointment_with_busy_slots_and_the_same_time_again_is_a_409()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var appointment = await _client.BookedAsync(Nine, NineThirty, await _client.PatientAsync(), doctor);

        Assert.Equal("booked", (string?)appointment["status"]);
        var slot = await (await _client.GetAsync((string)appointment["slot"]![0]!["reference"]!)).JsonAsync();
        Assert.Equal("busy", (string?)slot["status"]);
        Assert.Equal(doctor, (string?)slot["schedule"]!["reference"]);
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:15:00Z", "2025-06-10T13:45:00Z", await _client.PatientAsync(), doctor),
            HttpStatusCode.Conflict, "already booked");
    }

    [Fact]
    public async Task Book_answers_the_version_it_wrote_and_is_audited_as_its_writes_and_the_operation_without_a_read()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        var requestId = Guid.NewGuid().ToString("N");

        var response = await _client.SendAsync(HttpMethod.Post, "Appointment/$book", WithAppointment(Proposal(Nine, NineThirty, patient, doctor)), ("X-Request-Id", requestId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        var appointment = await response.JsonAsync();
        Assert.Equal("1", (string?)appointment["meta"]!["versionId"]);
        Assert.Equal("booked", (string?)appointment["status"]);
        var stored = await (await _client.GetAsync($"Appointment/{Id(appointment)}")).JsonAsync();
        Assert.Equal(stored.ToJsonString(), appointment.ToJsonString());

        var events = await Audit.AuditLog.EventsAsync(server.Services, requestId);
        // Its two creates (Appointment, Slot) and the operation (once, and once more for its patient); the transaction the
        // operation ran is no client's Bundle and has no event of its own.
        Assert.Equal(["create", "create", "operation", "operation"], events.Select(Audit.AuditLog.Subtype).Order());
        Assert.Contains(events, e => Audit.AuditLog.Subtype(e) == "operation" && Audit.AuditLog.Patients(e).SequenceEqual([patient]));
        Assert.Contains(events, e => Audit.AuditLog.Data(e).Contains($"Appointment/{Id(appointment)}/_history/1"));
    }

    [Fact]
    public async Task Book_records_the_operation_once_in_the_commit_of_its_writes_right_after_the_transaction()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        var requestId = Guid.NewGuid().ToString("N");

        var appointment = await (await _client.SendAsync(HttpMethod.Post, "Appointment/$book", WithAppointment(Proposal(Nine, NineThirty, patient, doctor)), ("X-Request-Id", requestId))).JsonAsync();

        var events = (await Audit.AuditLog.EventsAsync(server.Services, requestId)).OrderBy(Sequence).ToList();
        var committed = (string?)appointment["meta"]!["lastUpdated"];
        // One commit: every event carries the instant the Appointment was written at, the operation's too, and the
        // operation's two events are linked straight after its writes', with no write of their own in between.
        Assert.All(events, e => Assert.Equal(committed, (string?)e["meta"]!["lastUpdated"]));
        Assert.All(events, e => Assert.Equal(DateTimeOffset.Parse(committed!), DateTimeOffset.Parse((string)e["recorded"]!)));
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => Sequence(events[0]) + i), events.Select(Sequence));
        Assert.Equal(["create", "create", "operation", "operation"], events.Select(Audit.AuditLog.Subtype));
        var operation = events.Where(e => Audit.AuditLog.Subtype(e) == "operation").ToList();
        Assert.All(operation, e => Assert.Equal("0", (string?)e["outcome"]));
        Assert.Equal([[], [patient]], operation.Select(e => Audit.AuditLog.Patients(e).ToList()));
        Assert.All(operation, e => Assert.Empty(Audit.AuditLog.Data(e)));
        Assert.All(operation, e => Assert.Contains(e["entity"]!.AsArray(), x => (string?)x!["role"]?["code"] == "24" && x["query"] is not null));
    }

    [Fact]
    public async Task A_book_of_a_time_taken_earlier_is_refused_before_any_write_and_recorded_as_a_failure()
    {
        var practitioner = await _client.PractitionerAsync();
        var doctor = await _client.ScheduleAsync(practitioner);
        await _client.BookedAsync(Nine, NineThirty, await _client.PatientAsync(), doctor);
        var requestId = Guid.NewGuid().ToString("N");

        var response = await _client.SendAsync(HttpMethod.Post, "Appointment/$book", WithAppointment(Proposal(Nine, NineThirty, await _client.PatientAsync(), doctor)), ("X-Request-Id", requestId));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var events = await Audit.AuditLog.EventsAsync(server.Services, requestId);
        // Refused from the last commit, before any transaction (no job on the single writer): the operation's failure
        // only; no transaction, no create, nothing claiming success. The answer is the one the write check gives.
        Assert.Equal(["operation"], events.Select(Audit.AuditLog.Subtype));
        Assert.Contains($"{practitioner} is already booked between", (await response.JsonAsync()).ToJsonString());
        Assert.All(events, e => Assert.Equal("4", (string?)e["outcome"]));
        Assert.All(events, e => Assert.StartsWith("409", (string?)e["outcomeDesc"]));
    }

    [Fact]
    public async Task Booking_a_hold_records_the_operation_on_its_appointment_once_in_the_commit_of_its_writes()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        var hold = await (await _client.PostAsync("Appointment/$hold", WithAppointment(Proposal(Nine, NineThirty, patient, doctor)))).JsonAsync();
        var requestId = Guid.NewGuid().ToString("N");

        var booked = await (await _client.SendAsync(HttpMethod.Post, $"Appointment/{Id(hold)}/$book", FhirServerFactory.Json("""{"resourceType":"Parameters"}"""), ("X-Request-Id", requestId))).JsonAsync();

        Assert.Equal("booked", (string?)booked["status"]);
        var operation = (await Audit.AuditLog.EventsAsync(server.Services, requestId)).Where(e => Audit.AuditLog.Subtype(e) == "operation").ToList();
        Assert.Equal(2, operation.Count);
        Assert.All(operation, e => Assert.Equal([$"Appointment/{Id(hold)}"], Audit.AuditLog.Data(e)));
        Assert.All(operation, e => Assert.Equal((string?)booked["meta"]!["lastUpdated"], (string?)e["meta"]!["lastUpdated"]));
        Assert.Contains(operation, e => Audit.AuditLog.Patients(e).SequenceEqual([patient]));
    }

    private static long Sequence(JsonNode e) => long.Parse((string)e["extension"]!.AsArray()
        .Single(x => (string?)x!["url"] == "http://fhirpractice.org/fhir/StructureDefinition/audit-chain-sequence")!["valueString"]!);

    [Fact]
    public async Task A_booking_follows_the_schedules_current_version_not_the_rules_read_before()
    {
        var practitioner = await _client.PractitionerAsync();
        var doctor = await _client.ScheduleAsync(practitioner);
        await _client.BookedAsync(Nine, NineThirty, await _client.PatientAsync(), doctor);
        var schedule = await (await _client.GetAsync(doctor)).JsonAsync();
        schedule["extension"]!.AsArray().Add(JsonNode.Parse($$$"""{"url":"{{{Ext}}}exception","valuePeriod":{"start":"{{{Ten}}}","end":"{{{TenThirty}}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(doctor, FhirServerFactory.Json(schedule.ToJsonString()))).StatusCode);

        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync(Ten, TenThirty, await _client.PatientAsync(), doctor), HttpStatusCode.UnprocessableEntity, "not open");
        await _client.BookedAsync(NineThirty, Ten, await _client.PatientAsync(), doctor);
    }

    [Fact]
    public async Task Twenty_clients_booking_the_same_time_give_one_booking_and_nineteen_409s()
    {
        var practitioner = await _client.PractitionerAsync();
        var doctor = await _client.ScheduleAsync(practitioner);
        var patients = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _client.PatientAsync()));

        var responses = await Task.WhenAll(patients.Select(p => _client.BookAsync(Ten, TenThirty, p, doctor)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await FhirHttp.AssertOutcomeAsync(refused, HttpStatusCode.Conflict, "already booked");
        Assert.Single(await _client.MatchesAsync($"Appointment?actor={practitioner}&status=booked"));
        Assert.Single(await _client.MatchesAsync($"Slot?schedule={doctor}&status=busy"));
    }

    [Fact]
    public async Task A_direct_write_of_an_appointment_or_slot_cannot_double_book_either()
    {
        var practitioner = await _client.PractitionerAsync();
        var doctor = await _client.ScheduleAsync(practitioner);
        await _client.BookedAsync(Nine, NineThirty, await _client.PatientAsync(), doctor);

        var direct = await _client.PostAsync("Appointment", FhirServerFactory.Json($$"""
            {"resourceType":"Appointment","status":"booked","start":"2025-06-10T13:20:00Z","end":"2025-06-10T13:50:00Z",
             "participant":[{"actor":{"reference":"{{practitioner}}"},"status":"accepted"}]}
            """));
        await FhirHttp.AssertOutcomeAsync(direct, HttpStatusCode.Conflict, practitioner);
        var slot = await _client.PostAsync("Slot", FhirServerFactory.Json($$"""
            {"resourceType":"Slot","schedule":{"reference":"{{doctor}}"},"status":"busy-unavailable","start":"{{Nine}}","end":"{{Ten}}"}
            """));
        await FhirHttp.AssertOutcomeAsync(slot, HttpStatusCode.Conflict);
        // Not taking time (a proposal), or marked as an overbooking by staff, is accepted.
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("Appointment", FhirServerFactory.Json($$"""
            {"resourceType":"Appointment","status":"proposed","start":"{{Nine}}","end":"{{NineThirty}}","participant":[{"actor":{"reference":"{{practitioner}}"},"status":"needs-action"}]}
            """))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("Slot", FhirServerFactory.Json($$"""
            {"resourceType":"Slot","schedule":{"reference":"{{doctor}}"},"status":"busy","overbooked":true,"start":"{{Nine}}","end":"{{NineThirty}}"}
            """))).StatusCode);
    }

    [Fact]
    public async Task The_same_patient_cannot_be_booked_twice_at_the_same_time()
    {
        var patient = await _client.PatientAsync();
        await _client.BookedAsync(Nine, NineThirty, patient, await _client.ScheduleAsync(await _client.PractitionerAsync()));

        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync(Nine, NineThirty, patient, await _client.ScheduleAsync(await _client.PractitionerAsync())),
            HttpStatusCode.Conflict, patient);
    }

    [Fact]
    public async Task A_group_visit_takes_as_many_patients_at_one_moment_as_its_capacity_and_find_and_book_agree()
    {
        var group = await _client.ScheduleAsync(await _client.PractitionerAsync(), $$$"""
            {"url":"{{{Ext}}}capacity","valuePositiveInt":2},{"url":"{{{Ext}}}alignment-minutes","valuePositiveInt":15}
            """);
        await _client.BookedAsync(Nine, NineThirty, await _client.PatientAsync(), group);
        await _client.BookedAsync(NineThirty, Ten, await _client.PatientAsync(), group);

        // 09:15–09:45 meets the first booking, then the second, never two at once: with room for two it fits.
        await _client.BookedAsync("2025-06-10T13:15:00Z", "2025-06-10T13:45:00Z", await _client.PatientAsync(), group);
        // Now 09:15–09:45 has two at every moment, and so has 09:00–09:30 from 09:15 on.
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:15:00Z", "2025-06-10T13:45:00Z", await _client.PatientAsync(), group),
            HttpStatusCode.Conflict, "already booked");
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync(Nine, NineThirty, await _client.PatientAsync(), group), HttpStatusCode.Conflict, "already booked");

        var times = await _client.FindAsync($"schedule={group}&start={Nine}&end={TenThirty}");
        Assert.Equal([DateTimeOffset.Parse("2025-06-10T13:45:00Z"), DateTimeOffset.Parse(Ten)], times.Select(t => t.Start));
        await _client.BookedAsync("2025-06-10T13:45:00Z", "2025-06-10T14:15:00Z", await _client.PatientAsync(), group);
    }

    [Fact]
    public async Task Cancel_frees_the_visit_and_its_buffers_with_a_reason_and_a_late_flag()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync(), $$"""{"url":"{{Ext}}buffer-after-minutes","valuePositiveInt":15}""");
        var appointment = await _client.BookedAsync(Nine, NineThirty, await _client.PatientAsync(), doctor);
        Assert.Equal(2, appointment["slot"]!.AsArray().Count);
        // The buffer 09:30–09:45 is taken: 09:30 cannot be booked.
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync(NineThirty, Ten, await _client.PatientAsync(), doctor), HttpStatusCode.Conflict);

        var cancelled = await (await _client.PostAsync($"Appointment/{Id(appointment)}/$cancel", WithReason("patient is travelling"))).JsonAsync();

        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal("patient is travelling", (string?)cancelled["cancelationReason"]!["text"]);
        Assert.DoesNotContain(cancelled["extension"]?.AsArray() ?? [], e => (string?)e!["url"] == Ext + "late-cancel");
        foreach (var slot in appointment["slot"]!.AsArray())
            Assert.Equal("free", (string?)(await (await _client.GetAsync((string)slot!["reference"]!)).JsonAsync())["status"]);
        await _client.BookedAsync(NineThirty, Ten, await _client.PatientAsync(), doctor);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Appointment/{Id(appointment)}/$cancel", WithReason("again")), HttpStatusCode.Conflict, "cannot be cancelled");
    }

    [Fact]
    public async Task A_cancel_within_the_late_window_is_flagged()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        // The fake clock starts at Monday 2 June 12:00 UTC, 25 hours before Tuesday 3 June 09:00 in New York.
        var appointment = await _client.BookedAsync("2025-06-03T13:00:00Z", "2025-06-03T13:30:00Z", await _client.PatientAsync(), doctor);
        server.Clock.Advance(TimeSpan.FromHours(2));

        var cancelled = await (await _client.PostAsync($"Appointment/{Id(appointment)}/$cancel", WithReason("sick"))).JsonAsync();

        Assert.Contains(cancelled["extension"]!.AsArray(), e => (string?)e!["url"] == Ext + "late-cancel" && (bool?)e["valueBoolean"] == true);
    }

    [Fact]
    public async Task Confirm_marks_the_patient_accepted()
    {
        var patient = await _client.PatientAsync();
        var appointment = await _client.BookedAsync(Ten, TenThirty, patient, await _client.ScheduleAsync(await _client.PractitionerAsync()));

        var confirmed = await (await _client.PostAsync($"Appointment/{Id(appointment)}/$confirm", FhirServerFactory.Json("""{"resourceType":"Parameters"}"""))).JsonAsync();

        Assert.Equal("accepted", (string?)confirmed["participant"]!.AsArray().Single(p => (string?)p!["actor"]!["reference"] == patient)!["status"]);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Appointment/{Id(appointment)}/$confirm",
            FhirServerFactory.Json("""{"resourceType":"Parameters","parameter":[{"name":"participant","valueReference":{"reference":"Patient/nobody"}}]}""")),
            HttpStatusCode.UnprocessableEntity, "does not take part");
    }

    [Fact]
    public async Task Reschedule_cancels_the_old_and_books_an_overlapping_new_time_in_one_transaction()
    {
        var practitioner = await _client.PractitionerAsync();
        var doctor = await _client.ScheduleAsync(practitioner);
        var patient = await _client.PatientAsync();
        var old = await _client.BookedAsync(Nine, NineThirty, patient, doctor);

        var response = await _client.PostAsync($"Appointment/{Id(old)}/$reschedule", WithAppointment(Proposal("2025-06-10T13:15:00Z", "2025-06-10T13:45:00Z", patient, doctor)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var moved = await response.JsonAsync();

        Assert.Equal("booked", (string?)moved["status"]);
        Assert.Equal(DateTimeOffset.Parse("2025-06-10T13:15:00Z"), DateTimeOffset.Parse((string)moved["start"]!));
        Assert.Contains(moved["extension"]!.AsArray(), e => (string?)e!["url"] == "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.replaces"
            && (string?)e["valueReference"]!["reference"] == $"Appointment/{Id(old)}");
        Assert.Single(moved["participant"]!.AsArray(), p => (string?)p!["actor"]!["reference"] == practitioner);
        Assert.Equal("cancelled", (string?)(await (await _client.GetAsync($"Appointment/{Id(old)}")).JsonAsync())["status"]);
        // The old time left free by the move is bookable; the new one is not.
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:30:00Z", Ten, await _client.PatientAsync(), doctor), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_hold_is_pending_until_booked_and_an_expired_hold_frees_its_time()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var first = await _client.PatientAsync();
        var held = await (await _client.PostAsync("Appointment/$hold", WithAppointment(Proposal("2025-06-12T13:00:00Z", "2025-06-12T13:30:00Z", first, doctor)))).JsonAsync();
        Assert.Equal("pending", (string?)held["status"]);
        Assert.Equal("busy-tentative", (string?)(await (await _client.GetAsync((string)held["slot"]![0]!["reference"]!)).JsonAsync())["status"]);
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-12T13:00:00Z", "2025-06-12T13:30:00Z", await _client.PatientAsync(), doctor), HttpStatusCode.Conflict);

        var sweeper = server.Services.GetRequiredService<SchedulingSweeper>();
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.True(await sweeper.FreeExpiredHoldsAsync() >= 1);

        Assert.Equal("cancelled", (string?)(await (await _client.GetAsync($"Appointment/{Id(held)}")).JsonAsync())["status"]);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Appointment/{Id(held)}/$book", FhirServerFactory.Json("""{"resourceType":"Parameters"}""")),
            HttpStatusCode.Conflict, "not a hold");
        await _client.BookedAsync("2025-06-12T13:00:00Z", "2025-06-12T13:30:00Z", await _client.PatientAsync(), doctor);
    }

    [Fact]
    public async Task A_hold_booked_in_time_stays_booked_after_the_sweep()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var held = await (await _client.PostAsync("Appointment/$hold", WithAppointment(Proposal("2025-06-13T13:00:00Z", "2025-06-13T13:30:00Z", await _client.PatientAsync(), doctor)))).JsonAsync();

        var booked = await (await _client.PostAsync($"Appointment/{Id(held)}/$book", FhirServerFactory.Json("""{"resourceType":"Parameters"}"""))).JsonAsync();
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        await server.Services.GetRequiredService<SchedulingSweeper>().FreeExpiredHoldsAsync();

        Assert.Equal("booked", (string?)booked["status"]);
        Assert.DoesNotContain(booked["extension"]?.AsArray() ?? [], e => (string?)e!["url"] == Ext + "hold-expires");
        Assert.Equal("booked", (string?)(await (await _client.GetAsync($"Appointment/{Id(held)}")).JsonAsync())["status"]);
        Assert.Equal("busy", (string?)(await (await _client.GetAsync((string)booked["slot"]![0]!["reference"]!)).JsonAsync())["status"]);
    }
}
