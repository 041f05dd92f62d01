using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Background;
using FhirPractice.Scheduling.Waitlist;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>
/// The waitlist: a freed time is offered as a hold to the first waiting patient it fits, then to the next when the
/// offer lapses or is declined; accepting books it and closes the entry. Each test has its own server and clock.
/// </summary>
public sealed class WaitlistTests
{
    // Tuesday 10 June 2025, 09:00 New York (EDT) is 13:00 UTC.
    private const string Nine = "2025-06-10T13:00:00Z", NineThirty = "2025-06-10T13:30:00Z";
    private static readonly StringContent NoParameters = FhirServerFactory.Json("""{"resourceType":"Parameters"}""");

    [Fact]
    public async Task A_freed_time_goes_to_the_first_waiting_patient_then_to_the_next_when_the_offer_lapses()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var doctor = await client.ScheduleAsync(await client.PractitionerAsync());
        var booked = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctor);
        var (first, second) = (await client.PatientAsync(), await client.PatientAsync());
        var firstEntry = await client.WaitAsync(first, doctor, created: "2025-06-01T10:00:00Z");
        var secondEntry = await client.WaitAsync(second, doctor, created: "2025-06-01T11:00:00Z");
        var offers = server.Services.GetRequiredService<WaitlistOffers>();
        Assert.Equal(0, await offers.OfferFreedTimesAsync()); // nothing freed yet

        await client.PostAsync($"Appointment/{Id(booked)}/$cancel", WithReason("ill"));
        await offers.OfferFreedTimesAsync();
        var offer = Assert.Single(await client.OffersAsync(firstEntry));
        Assert.Equal(("pending", DateTimeOffset.Parse(Nine)), ((string)offer["status"]!, DateTimeOffset.Parse((string)offer["start"]!)));
        Assert.Contains(first, Participants(offer));
        Assert.Empty(await client.OffersAsync(secondEntry));
        Assert.Equal(0, await offers.OfferFreedTimesAsync()); // the queue is drained: nothing is offered twice

        // The first patient lets the offer lapse: the sweeper frees it and the next patient is offered the same time.
        server.Clock.Advance(TimeSpan.FromMinutes(11));
        await server.Services.GetRequiredService<SchedulingSweeper>().FreeExpiredHoldsAsync();
        Assert.Equal("cancelled", await client.StatusAsync($"Appointment/{Id(offer)}"));
        await offers.OfferFreedTimesAsync();
        var next = Assert.Single(await client.OffersAsync(secondEntry));
        Assert.Equal(DateTimeOffset.Parse(Nine), DateTimeOffset.Parse((string)next["start"]!));
        Assert.Single(await client.OffersAsync(firstEntry)); // the lapsed one only

        // Accepting books it and closes the second patient's entry; the first still waits.
        var accepted = await client.PostAsync($"Appointment/{Id(next)}/$book", NoParameters);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        Assert.Equal("booked", (string?)(await accepted.JsonAsync())["status"]);
        Assert.Equal("cancelled", await client.StatusAsync(secondEntry));
        Assert.Equal("waitlist", await client.StatusAsync(firstEntry));
        // The closed entry leaves no marks of the times offered to it; the one still waiting keeps its own.
        var marks = await server.Services.GetRequiredService<IResourceStore>().ScanStateAsync(new StateRange(WaitlistKeys.Offered, "", "~"));
        Assert.StartsWith(firstEntry["Appointment/".Length..] + "|", Assert.Single(marks).Key);
    }

    [Fact]
    public async Task A_declined_offer_goes_to_the_next_patient_and_confirming_an_offer_books_it()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var practitioner = await client.PractitionerAsync();
        var doctor = await client.ScheduleAsync(practitioner);
        var booked = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctor);
        var firstEntry = await client.WaitAsync(await client.PatientAsync(), doctor, created: "2025-06-01T10:00:00Z");
        // The second waits for the practitioner rather than a Schedule, with priority 1: it comes first.
        var secondEntry = await client.WaitAsync(await client.PatientAsync(), null, created: "2025-06-01T11:00:00Z", priority: 1, practitioner: practitioner);
        var offers = server.Services.GetRequiredService<WaitlistOffers>();

        await client.PostAsync($"Appointment/{Id(booked)}/$cancel", WithReason("ill"));
        await offers.OfferFreedTimesAsync();
        var offer = Assert.Single(await client.OffersAsync(secondEntry));
        Assert.Empty(await client.OffersAsync(firstEntry));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"Appointment/{Id(offer)}/$cancel", WithReason("declined"))).StatusCode);
        await offers.OfferFreedTimesAsync();
        var next = Assert.Single(await client.OffersAsync(firstEntry));

        var confirmed = await client.PostAsync($"Appointment/{Id(next)}/$confirm", NoParameters);
        Assert.True(confirmed.StatusCode == HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        Assert.Equal("booked", (string?)(await confirmed.JsonAsync())["status"]);
        Assert.Equal("cancelled", await client.StatusAsync(firstEntry));
        Assert.Equal("waitlist", await client.StatusAsync(secondEntry)); // it declined; it keeps waiting
    }

    [Fact]
    public async Task Only_times_that_fit_the_preferences_are_offered()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var doctor = await client.ScheduleAsync(await client.PractitionerAsync(), $$$"""
            {"url":"{{{Ext}}}visit-duration","extension":[{"url":"serviceType","valueCoding":{"system":"urn:visit","code":"long"}},{"url":"minutes","valuePositiveInt":60}]}
            """);
        var other = await client.ScheduleAsync(await client.PractitionerAsync());
        var morning = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctor);
        var afternoon = await client.BookedAsync("2025-06-10T18:00:00Z", "2025-06-10T18:30:00Z", await client.PatientAsync(), doctor);
        var elsewhere = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), other);
        // Afternoons only (13:00–17:00 New York), that week.
        var afternoons = await client.WaitAsync(await client.PatientAsync(), doctor, created: "2025-06-01T10:00:00Z", timeOfDay: ("13:00:00", "17:00:00"));
        // A 60-minute visit in the morning does not fit in the freed half hour between the opening and the next booking.
        await client.BookedAsync(NineThirty, "2025-06-10T14:00:00Z", await client.PatientAsync(), doctor);
        var longVisit = await client.WaitAsync(await client.PatientAsync(), doctor, created: "2025-06-01T09:00:00Z", serviceType: "long", timeOfDay: ("09:00:00", "12:00:00"));
        var offers = server.Services.GetRequiredService<WaitlistOffers>();

        foreach (var appointment in new[] { morning, elsewhere, afternoon })
            await client.PostAsync($"Appointment/{Id(appointment)}/$cancel", WithReason("moved"));
        await offers.OfferFreedTimesAsync();

        var offer = Assert.Single(await client.OffersAsync(afternoons));
        Assert.Equal(DateTimeOffset.Parse("2025-06-10T18:00:00Z"), DateTimeOffset.Parse((string)offer["start"]!));
        Assert.Empty(await client.OffersAsync(longVisit));
    }

    [Fact]
    public async Task A_longer_visit_is_offered_the_freed_time_with_the_free_time_beside_it()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var doctor = await client.ScheduleAsync(await client.PractitionerAsync(), $$$"""
            {"url":"{{{Ext}}}visit-duration","extension":[{"url":"serviceType","valueCoding":{"system":"urn:visit","code":"long"}},{"url":"minutes","valuePositiveInt":60}]}
            """);
        // 09:00–10:00 is taken by two half-hour visits, 10:30–11:00 by a third; 10:00–10:30 is free.
        var nine = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctor);
        await client.BookedAsync(NineThirty, "2025-06-10T14:00:00Z", await client.PatientAsync(), doctor);
        var tenThirty = await client.BookedAsync("2025-06-10T14:30:00Z", "2025-06-10T15:00:00Z", await client.PatientAsync(), doctor);
        var longVisit = await client.WaitAsync(await client.PatientAsync(), doctor, created: "2025-06-01T09:00:00Z", serviceType: "long", timeOfDay: ("09:00:00", "12:00:00"));
        var offers = server.Services.GetRequiredService<WaitlistOffers>();

        // 09:00–09:30 freed: the half hour after it is taken, and before it the practice is closed.
        await client.PostAsync($"Appointment/{Id(nine)}/$cancel", WithReason("moved"));
        await offers.OfferFreedTimesAsync();
        Assert.Empty(await client.OffersAsync(longVisit));

        // 10:30–11:00 freed: with the free 10:00–10:30 before it, an hour from 10:00 (on the hourly grid of 60-minute visits).
        await client.PostAsync($"Appointment/{Id(tenThirty)}/$cancel", WithReason("moved"));
        await offers.OfferFreedTimesAsync();
        var offer = Assert.Single(await client.OffersAsync(longVisit));
        Assert.Equal((DateTimeOffset.Parse("2025-06-10T14:00:00Z"), DateTimeOffset.Parse("2025-06-10T15:00:00Z")),
            (DateTimeOffset.Parse((string)offer["start"]!), DateTimeOffset.Parse((string)offer["end"]!)));
    }

    [Fact]
    public async Task An_entry_waiting_for_a_provider_and_a_room_is_offered_a_time_only_when_both_are_free()
    {
        using var server = new SchedulingServerFactory();
        var client = server.Client;
        var practitioner = await client.PractitionerAsync();
        var room = await client.CreateAsync("""{"resourceType":"Location","name":"Procedure room"}""");
        var (doctorSchedule, roomSchedule) = (await client.ScheduleAsync(practitioner), await client.ScheduleAsync(room));
        var withDoctor = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), doctorSchedule);
        var inRoom = await client.BookedAsync(Nine, NineThirty, await client.PatientAsync(), roomSchedule);
        var patient = await client.PatientAsync();
        var entry = await client.CreateAsync($$$"""
            {"resourceType":"Appointment","status":"waitlist","created":"2025-06-01T10:00:00Z",
             "extension":[{"url":"{{{Ext}}}schedule","valueReference":{"reference":"{{{doctorSchedule}}}"}},
                          {"url":"{{{Ext}}}schedule","valueReference":{"reference":"{{{roomSchedule}}}"}},
                          {"url":"{{{Ext}}}time-of-day","extension":[{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"09:30:00"}]}],
             "requestedPeriod":[{"start":"2025-06-09T00:00:00Z","end":"2025-06-14T00:00:00Z"}],
             "participant":[{"actor":{"reference":"{{{patient}}}"},"status":"needs-action"}]}
            """);
        var offers = server.Services.GetRequiredService<WaitlistOffers>();

        // The doctor's 09:00 is freed, but the room is still taken then.
        await client.PostAsync($"Appointment/{Id(withDoctor)}/$cancel", WithReason("moved"));
        await offers.OfferFreedTimesAsync();
        Assert.Empty(await client.OffersAsync(entry));

        // Now the room's too: the offer holds both, a Slot on each Schedule.
        await client.PostAsync($"Appointment/{Id(inRoom)}/$cancel", WithReason("moved"));
        await offers.OfferFreedTimesAsync();
        var offer = Assert.Single(await client.OffersAsync(entry));
        Assert.Equal(DateTimeOffset.Parse(Nine), DateTimeOffset.Parse((string)offer["start"]!));
        Assert.Superset(new HashSet<string> { patient, practitioner, room }, Participants(offer).ToHashSet());
        var slots = new List<string?>();
        foreach (var slot in offer["slot"]!.AsArray())
            slots.Add((string?)(await (await client.GetAsync((string)slot!["reference"]!)).JsonAsync())["schedule"]!["reference"]);
        Assert.Equal(new[] { doctorSchedule, roomSchedule }.Order(), slots.Order());
    }

    [Fact]
    public async Task A_freed_time_queued_before_a_restart_is_offered_after_it_once()
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string entry;
        using (var before = SchedulingServerFactory.On(database.Path, clock))
        {
            var doctor = await before.Client.ScheduleAsync(await before.Client.PractitionerAsync());
            var booked = await before.Client.BookedAsync(Nine, NineThirty, await before.Client.PatientAsync(), doctor);
            entry = await before.Client.WaitAsync(await before.Client.PatientAsync(), doctor, created: "2025-06-01T10:00:00Z");
            await before.Client.PostAsync($"Appointment/{Id(booked)}/$cancel", WithReason("ill"));
        }
        using var after = SchedulingServerFactory.On(database.Path, clock);
        // The sweeper's first round at start may be the one that offers it; either way there is one offer.
        await after.Services.GetRequiredService<WaitlistOffers>().OfferFreedTimesAsync();
        Assert.Single(await after.Client.OffersAsync(entry));
        Assert.Equal(0, await after.Services.GetRequiredService<WaitlistOffers>().OfferFreedTimesAsync());
    }

    [Theory]
    [InlineData("""{"actor":{"reference":"Practitioner/x"},"status":"needs-action"}""", "", "needs a Patient participant")]
    [InlineData("PATIENT", "", "names the Schedules")]
    [InlineData("PATIENT,DOCTOR", ""","extension":[{"url":"http://fhirpractice.org/fhir/StructureDefinition/scheduling-time-of-day","extension":[{"url":"start","valueTime":"12:00:00"},{"url":"end","valueTime":"09:00:00"}]}]""", "must end after it starts")]
    [InlineData("PATIENT,DOCTOR", ""","extension":[{"url":"http://fhirpractice.org/fhir/StructureDefinition/scheduling-time-of-day","extension":[{"url":"start","valueTime":"12:00:00"}]}]""", "needs a 'end' time")]
    [InlineData("PATIENT,DOCTOR", ""","requestedPeriod":[{"start":"2025-06-12T00:00:00Z","end":"2025-06-10T00:00:00Z"}]""", "must end after it starts")]
    public async Task A_waitlist_entry_that_cannot_be_read_is_refused_with_a_422(string participant, string extra, string message)
    {
        using var server = new SchedulingServerFactory();
        var patient = await server.Client.PatientAsync();
        participant = participant.Replace("DOCTOR", """{"actor":{"reference":"Practitioner/x"},"status":"needs-action"}""").Replace("PATIENT", $$"""{"actor":{"reference":"{{patient}}"},"status":"needs-action"}""");
        var response = await server.Client.PostAsync("Appointment", FhirServerFactory.Json(
            $$"""{"resourceType":"Appointment","status":"waitlist","participant":[{{participant}}]{{extra}}}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity, message);
    }

    private static IEnumerable<string> Participants(JsonNode appointment) =>
        appointment["participant"]!.AsArray().Select(p => (string)p!["actor"]!["reference"]!);
}

/// <summary>Waitlist helpers.</summary>
internal static class WaitlistHttp
{
    /// <summary>A waitlist entry for the week of 9 June 2025 on <paramref name="schedule"/> (or waiting for <paramref name="practitioner"/>).</summary>
    public static Task<string> WaitAsync(this HttpClient client, string patient, string? schedule, string created, int? priority = null,
        string? practitioner = null, (string Start, string End)? timeOfDay = null, string? serviceType = null)
    {
        var extensions = new List<string>();
        if (schedule is not null) extensions.Add($$$"""{"url":"{{{Ext}}}schedule","valueReference":{"reference":"{{{schedule}}}"}}""");
        if (timeOfDay is { } t) extensions.Add($$$"""{"url":"{{{Ext}}}time-of-day","extension":[{"url":"start","valueTime":"{{{t.Start}}}"},{"url":"end","valueTime":"{{{t.End}}}"}]}""");
        var participants = new List<string> { $$"""{"actor":{"reference":"{{patient}}"},"status":"needs-action"}""" };
        if (practitioner is not null) participants.Add($$"""{"actor":{"reference":"{{practitioner}}"},"status":"needs-action"}""");
        return client.CreateAsync($$"""
            {"resourceType":"Appointment","status":"waitlist","created":"{{created}}",{{(priority is { } p ? $"\"priority\":{p}," : "")}}
             {{(extensions.Count > 0 ? $"\"extension\":[{string.Join(',', extensions)}]," : "")}}
             {{(serviceType is null ? "" : $$"""
             "serviceType":[{"coding":[{"system":"urn:visit","code":"{{serviceType}}"}]}],
             """)}}
             "requestedPeriod":[{"start":"2025-06-09T00:00:00Z","end":"2025-06-14T00:00:00Z"}],
             "participant":[{{string.Join(',', participants)}}]}
            """);
    }

    /// <summary>The holds offered for a waitlist entry (any status).</summary>
    public static async Task<List<JsonNode>> OffersAsync(this HttpClient client, string entry)
    {
        var bundle = await (await client.GetAsync("Appointment?_count=100")).JsonAsync();
        return (bundle["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!)
            .Where(a => a["extension"]?.AsArray().Any(x => (string?)x!["url"] == Ext + "waitlist-entry" && (string?)x["valueReference"]!["reference"] == entry) == true)
            .ToList();
    }

    public static async Task<string?> StatusAsync(this HttpClient client, string reference) =>
        (string?)(await (await client.GetAsync(reference)).JsonAsync())["status"];
}
