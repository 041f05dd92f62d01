using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Scheduling.Reminders;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>
/// Reminders at 72 h, 24 h and 2 h before the start (the default offsets), on a fake clock: sent when due, once, to
/// the default file sender beside the database, recorded as Communications; replies confirm or cancel. Moving the
/// fake clock by more than the sweep interval (a day) also wakes the sweeper, so the tests look at what was sent
/// rather than at which round sent it.
/// </summary>
public sealed class ReminderTests
{
    // Tuesday 10 June 2025 09:00 New York is 13:00 UTC; the clock starts on Monday 2 June 12:00 UTC.
    private const string Nine = "2025-06-10T13:00:00Z", NineThirty = "2025-06-10T13:30:00Z";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse(Nine);

    [Fact]
    public async Task Reminders_are_sent_at_each_offset_before_the_start_and_only_once()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var patient = await client.PatientAsync();
        var appointment = await client.BookedAsync(Nine, NineThirty, patient, await client.ScheduleAsync(await client.PractitionerAsync()));
        var reminders = server.Services.GetRequiredService<ReminderWorker>();

        Assert.Equal(0, await reminders.SendDueAsync());
        server.Clock.SetUtcNow(Start - TimeSpan.FromHours(72) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await reminders.SendDueAsync());
        server.Clock.SetUtcNow(Start - TimeSpan.FromHours(72));
        await reminders.SendDueAsync();
        Assert.Equal(0, await reminders.SendDueAsync());

        var line = Assert.Single(Sent(server));
        Assert.Equal(($"Appointment/{Id(appointment)}", patient), ((string)line["Appointment"]!, (string)line["Patient"]!));
        Assert.Contains("2025-06-10 at 09:00", (string)line["Text"]!); // the practice's local time
        var communication = await (await client.GetAsync((string)line["Communication"]!)).JsonAsync();
        Assert.Equal("completed", (string?)communication["status"]);
        Assert.Equal($"Appointment/{Id(appointment)}", (string?)communication["about"]![0]!["reference"]);
        Assert.Equal(patient, (string?)communication["recipient"]![0]!["reference"]);

        // Confirming writes a new version of the appointment: the sent reminder is not filed again.
        await client.PostAsync($"Appointment/{Id(appointment)}/$confirm", FhirServerFactory.Json("""{"resourceType":"Parameters"}"""));
        server.Clock.SetUtcNow(Start - TimeSpan.FromHours(2));
        await reminders.SendDueAsync();
        Assert.Equal(3, Sent(server).Count); // and 24 h and 2 h
        server.Clock.SetUtcNow(Start + TimeSpan.FromHours(1));
        Assert.Equal(0, await reminders.SendDueAsync());
    }

    [Fact]
    public async Task A_cancel_drops_the_reminders_and_a_reschedule_moves_them()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var doctor = await client.ScheduleAsync(await client.PractitionerAsync());
        var cancelled = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctor);
        var moved = await client.BookedAsync("2025-06-10T14:00:00Z", "2025-06-10T14:30:00Z", await client.PatientAsync(), doctor);
        await client.PostAsync($"Appointment/{Id(cancelled)}/$cancel", WithReason("ill"));
        var rescheduled = await client.PostAsync($"Appointment/{Id(moved)}/$reschedule",
            WithAppointment(Proposal("2025-06-12T14:00:00Z", "2025-06-12T14:30:00Z", "Patient/ignored", doctor)));
        Assert.True(rescheduled.StatusCode == HttpStatusCode.OK, await rescheduled.Content.ReadAsStringAsync());
        var replacement = await rescheduled.JsonAsync();
        var reminders = server.Services.GetRequiredService<ReminderWorker>();

        server.Clock.SetUtcNow(Start); // every reminder of the old times is due by now
        await reminders.SendDueAsync();
        // Only the new time's 72 h reminder.
        Assert.Equal($"Appointment/{Id(replacement)}", (string)Assert.Single(Sent(server))["Appointment"]!);
    }

    [Fact]
    public async Task Reminders_survive_a_restart_and_are_not_sent_twice_after_one()
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string appointment;
        using (var before = SchedulingServerFactory.On(database.Path, clock))
        {
            appointment = Id(await before.Client.BookedAsync(Nine, NineThirty, await before.Client.PatientAsync(),
                await before.Client.ScheduleAsync(await before.Client.PractitionerAsync())));
            clock.SetUtcNow(Start - TimeSpan.FromHours(72));
            await before.Services.GetRequiredService<ReminderWorker>().SendDueAsync();
        }
        clock.SetUtcNow(Start - TimeSpan.FromHours(24));
        using var after = SchedulingServerFactory.On(database.Path, clock);
        // The sweeper's first round at start may be the one that sends the 24 h reminder; a round now sends nothing more.
        await after.Services.GetRequiredService<ReminderWorker>().SendDueAsync();
        Assert.Equal(0, await after.Services.GetRequiredService<ReminderWorker>().SendDueAsync());

        var sent = Sent(after);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, s => Assert.Equal($"Appointment/{appointment}", (string)s["Appointment"]!));
        Assert.Equal(2, sent.Select(s => (string)s["Id"]!).Distinct().Count());
    }

    [Theory]
    [InlineData("sent", 1)]
    [InlineData("not sent", 1)]
    [InlineData("not sent, its appointment cancelled", 0)]
    public async Task A_reminder_a_crash_left_in_progress_is_delivered_once_after_the_restart_while_its_appointment_stands(string beforeTheRestart, int delivered)
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string key, communication;
        using (var before = SchedulingServerFactory.On(database.Path, clock))
        {
            var patient = await before.Client.PatientAsync();
            var appointment = await before.Client.BookedAsync(Nine, NineThirty, patient, await before.Client.ScheduleAsync(await before.Client.PractitionerAsync()));
            // What the worker records before handing the 72 h reminder over; then the crash, after or before the sender wrote it.
            key = $"{Id(appointment)}|{72 * 60}|{Start.UtcTicks}";
            communication = await before.Client.CreateAsync(InProgressReminder(key, patient, $"Appointment/{Id(appointment)}"));
            if (beforeTheRestart == "sent")
                File.AppendAllText(RemindersFile(database.Path), new JsonObject { ["Id"] = key, ["Communication"] = communication }.ToJsonString() + "\n");
            else if (beforeTheRestart.EndsWith("cancelled", StringComparison.Ordinal))
                await before.Client.PostAsync($"Appointment/{Id(appointment)}/$cancel", WithReason("ill"));
        }
        clock.SetUtcNow(Start - TimeSpan.FromHours(72));
        using var after = SchedulingServerFactory.On(database.Path, clock);
        var reminders = after.Services.GetRequiredService<ReminderWorker>();
        // The sweeper's first round at start may be the one that takes it up; later rounds leave it.
        await reminders.SendDueAsync();
        Assert.Equal(0, await reminders.SendDueAsync());

        Assert.Equal(Enumerable.Repeat(key, delivered), Sent(after).Select(l => (string)l["Id"]!));
        Assert.All(Sent(after), l => Assert.Equal(communication, (string)l["Communication"]!));
        var outcome = await (await after.Client.GetAsync(communication)).JsonAsync();
        Assert.Equal(delivered == 1 ? "completed" : "stopped", (string?)outcome["status"]);
    }

    /// <summary>A reminder Communication as the worker records it before handing it over.</summary>
    private static string InProgressReminder(string key, string patient, string appointment) => $$"""
        {"resourceType":"Communication","status":"in-progress","identifier":[{"system":"{{ReminderKeys.IdentifierSystem}}","value":"{{key}}"}],
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/communication-category","code":"reminder"}]}],
         "subject":{"reference":"{{patient}}"},"recipient":[{"reference":"{{patient}}"}],"about":[{"reference":"{{appointment}}"}],
         "payload":[{"contentString":"Reminder: your appointment is on 2025-06-10 at 09:00. Reply confirm or cancel."}]}
        """;

    [Fact]
    public async Task An_in_progress_communication_naming_the_reminder_system_without_a_key_does_not_stop_the_reminders()
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string stray;
        using (var before = SchedulingServerFactory.On(database.Path, clock))
        {
            var patient = await before.Client.PatientAsync();
            await before.Client.BookedAsync(Nine, NineThirty, patient, await before.Client.ScheduleAsync(await before.Client.PractitionerAsync()));
            // Written by a client: the system of the worker's reminders, but no key for the worker to resume after a restart.
            stray = await before.Client.CreateAsync($$"""
                {"resourceType":"Communication","status":"in-progress","identifier":[{"system":"{{ReminderKeys.IdentifierSystem}}"}],
                 "subject":{"reference":"{{patient}}"},"recipient":[{"reference":"{{patient}}"}],"payload":[{"contentString":"?"}]}
                """);
        }
        clock.SetUtcNow(Start - TimeSpan.FromHours(72) + TimeSpan.FromHours(1));
        using var after = SchedulingServerFactory.On(database.Path, clock);
        var reminders = after.Services.GetRequiredService<ReminderWorker>();
        await reminders.SendDueAsync();
        Assert.Equal(0, await reminders.SendDueAsync());

        Assert.Single(Sent(after));
        Assert.Equal("stopped", (string?)(await (await after.Client.GetAsync(stray)).JsonAsync())["status"]);
    }

    [Fact]
    public async Task A_second_communication_for_a_sent_reminder_is_refused()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), await client.ScheduleAsync(await client.PractitionerAsync()));
        server.Clock.SetUtcNow(Start - TimeSpan.FromHours(72));
        await server.Services.GetRequiredService<ReminderWorker>().SendDueAsync();
        var reminder = await (await client.GetAsync((string)Assert.Single(Sent(server))["Communication"]!)).JsonAsync();

        var copy = reminder.DeepClone();
        copy.AsObject().Remove("id");
        copy.AsObject().Remove("meta");
        await FhirHttp.AssertOutcomeAsync(await client.PostAsync("Communication", FhirServerFactory.Json(copy.ToJsonString())), HttpStatusCode.Conflict, "already sent");
        var notDue = copy.DeepClone();
        notDue["identifier"]![0]!["value"] = "nothing|60|1";
        await FhirHttp.AssertOutcomeAsync(await client.PostAsync("Communication", FhirServerFactory.Json(notDue.ToJsonString())), HttpStatusCode.Conflict, "is not due");
    }

    [Fact]
    public async Task A_reply_to_a_reminder_cancels_or_confirms_the_appointment()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var doctor = await client.ScheduleAsync(await client.PractitionerAsync());
        var (patient, other) = (await client.PatientAsync(), await client.PatientAsync());
        var cancelled = await client.BookedAsync(Nine, NineThirty, patient, doctor);
        var confirmed = await client.BookedAsync("2025-06-10T14:00:00Z", "2025-06-10T14:30:00Z", other, doctor);
        server.Clock.SetUtcNow(Start - TimeSpan.FromHours(72) + TimeSpan.FromHours(1));
        var reminders = server.Services.GetRequiredService<ReminderWorker>();
        await reminders.SendDueAsync();
        Assert.Equal(2, Sent(server).Count);
        var communication = (string)Sent(server).Single(s => (string)s["Appointment"]! == $"Appointment/{Id(cancelled)}")["Communication"]!;

        // A patient's text reply, as an SMS gateway would post it; one that is neither a yes nor a no changes nothing.
        await client.CreateAsync($$"""{"resourceType":"Communication","status":"completed","inResponseTo":[{"reference":"{{communication}}"}],"sender":{"reference":"{{patient}}"},"payload":[{"contentString":"what?"}]}""");
        await reminders.ApplyRepliesAsync();
        Assert.Equal("booked", (string?)(await (await client.GetAsync($"Appointment/{Id(cancelled)}")).JsonAsync())["status"]);
        await client.CreateAsync($$"""{"resourceType":"Communication","status":"completed","inResponseTo":[{"reference":"{{communication}}"}],"sender":{"reference":"{{patient}}"},"payload":[{"contentString":"Cancel"}]}""");
        await reminders.ApplyRepliesAsync();
        Assert.Equal(0, await reminders.ApplyRepliesAsync());
        var afterReply = await (await client.GetAsync($"Appointment/{Id(cancelled)}")).JsonAsync();
        Assert.Equal("cancelled", (string?)afterReply["status"]);
        // Its time is free again.
        await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctor);

        var reply = await client.PostAsync($"Appointment/{Id(confirmed)}/$reply?answer=confirm", null);
        Assert.True(reply.StatusCode == HttpStatusCode.OK, await reply.Content.ReadAsStringAsync());
        Assert.Equal("accepted", (string?)(await reply.JsonAsync())["participant"]!.AsArray().Single(p => (string?)p!["actor"]!["reference"] == other)!["status"]);
    }

    [Fact]
    public async Task Reply_refuses_a_bad_answer_and_an_appointment_that_is_not_booked()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var appointment = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), await client.ScheduleAsync(await client.PractitionerAsync()));

        await FhirHttp.AssertOutcomeAsync(await client.PostAsync($"Appointment/{Id(appointment)}/$reply", null), HttpStatusCode.BadRequest, "'answer'", "answer");
        await FhirHttp.AssertOutcomeAsync(await client.PostAsync($"Appointment/{Id(appointment)}/$reply?answer=maybe", null), HttpStatusCode.BadRequest, "confirm or cancel", "answer");
        await FhirHttp.AssertOutcomeAsync(await client.PostAsync("Appointment/missing/$reply?answer=confirm", null), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"Appointment/{Id(appointment)}/$reply?answer=cancel", null)).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await client.PostAsync($"Appointment/{Id(appointment)}/$reply?answer=cancel", null), HttpStatusCode.Conflict, "Only a booked");
    }

    /// <summary>What the default file sender wrote, one JSON object per reminder.</summary>
    private static List<JsonNode> Sent(SchedulingServerFactory server)
    {
        var file = RemindersFile(server.DatabasePath);
        return File.Exists(file) ? File.ReadAllLines(file).Select(l => JsonNode.Parse(l)!).ToList() : [];
    }

    private static string RemindersFile(string databasePath) => Path.Combine(Path.GetDirectoryName(databasePath)!, "reminders.jsonl");
}
